// The last step of a route that commits something (a debit, a confirm): answer, or, with probability
// dropReplyRate, keep the committed effect and never answer. The reply is held for latency + 30 s
// (longer than any sane client timeout, so the client gives up first), then the socket is destroyed.
// A client that hangs up earlier, or the server closing, ends the hold at once.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { latencyFor, rolls } from '../domain/faults.ts';
import type { ApiContext } from './api-context.ts';

export const DROPPED_REPLY_HOLD_MS = 30_000;

function holdThenDestroy(request: FastifyRequest, reply: FastifyReply, holdMs: number, closing: AbortSignal): Promise<void> {
  reply.hijack();
  const socket = request.raw.socket;
  return new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      socket.off('close', done);
      closing.removeEventListener('abort', done);
      socket.destroy();
      resolve();
    };
    const timer = setTimeout(done, holdMs);
    socket.once('close', done);
    closing.addEventListener('abort', done, { once: true });
    if (closing.aborted || socket.destroyed) done();
  });
}

/** Never answers a request the channel took (a queued debit): held like a dropped reply. */
export async function holdReply(context: ApiContext, request: FastifyRequest, reply: FastifyReply): Promise<undefined> {
  await holdThenDestroy(request, reply, latencyFor(context.state.control(), context.state.random) + DROPPED_REPLY_HOLD_MS, context.closing);
  return undefined;
}

export async function answerCommitted(
  context: ApiContext,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  body: unknown,
): Promise<FastifyReply | undefined> {
  const control = context.state.control();
  if (rolls(control.dropReplyRate, context.state.random)) {
    request.log.info({ dropReplyRate: control.dropReplyRate }, 'simulated fault: effect committed, reply dropped');
    context.state.countFault('repliesDropped');
    await holdThenDestroy(request, reply, latencyFor(control, context.state.random) + DROPPED_REPLY_HOLD_MS, context.closing);
    return undefined;
  }
  return reply.code(status).send(body);
}
