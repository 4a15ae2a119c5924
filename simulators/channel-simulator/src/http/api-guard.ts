// The faults and the key check that stand in front of every channel API route (not /control,
// /transactions or the operational endpoints, which must keep answering during an outage so a test
// can end it). Order matters: an outage answers before anything else, as a dead load balancer would;
// a refused key never reaches the failure roll; an injected failure is a 500 BEFORE any effect.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { latencyFor, rolls } from '../domain/faults.ts';
import type { ApiContext } from './api-context.ts';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

// Comparing digests keeps the comparison constant-time whatever the length of the presented key.
function keyMatches(presented: string | string[] | undefined, expected: string): boolean {
  if (typeof presented !== 'string') return false;
  return timingSafeEqual(digest(presented), digest(expected));
}

export function sleep(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}

export function installApiGuard(scope: FastifyInstance, context: ApiContext): void {
  const { state } = context;

  scope.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const control = state.control();
    // 503 plus Connection: close, so a client's pooled connection is dropped too, as when a channel's
    // front end is down; the socket itself is not destroyed, so the client sees a clean answer.
    if (control.outage) {
      state.countFault('outageRefused');
      return reply.code(503).header('connection', 'close').send({ error: 'service_unavailable' });
    }
    if (!keyMatches(request.headers['x-api-key'], state.channel.apiKey)) {
      return reply.code(401).send({ error: 'unauthorized' });
    }
    if (rolls(control.failureRate, state.random)) {
      return reply.code(500).send({ error: 'internal_error' });
    }
    return undefined;
  });

  // Every API answer waits: after the effect, before the reply, so a client that times out during the
  // wait leaves an outcome it does not know, exactly what the adapter's status inquiry is for.
  scope.addHook('onSend', async (request: FastifyRequest) => {
    const delayMs = latencyFor(state.control(), state.random);
    if (delayMs <= 0) return;
    state.countFault('callsDelayed');
    await sleep(delayMs);
    // A client that timed out has closed its socket by now: the fault did what it is for.
    if (request.raw.socket.destroyed) state.countFault('delayedCallsAbandoned');
  });
}
