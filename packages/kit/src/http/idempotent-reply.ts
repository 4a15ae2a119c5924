// Sends what kit's idempotent() decided: the stored bytes as they are (a replay must be byte for byte
// the first answer, so nothing is re-serialized), with Idempotent-Replayed: true on a replay.
import { idempotentReplayedHeaderName } from '@gateway/contracts';
import type { IdempotentResponse } from '../idempotency/idempotent.ts';
import type { FastifyReply } from 'fastify';

export function sendIdempotent(reply: unknown, response: IdempotentResponse): FastifyReply {
  // The typed reply only accepts the route's declared bodies; these bytes were checked when first built.
  const raw = reply as FastifyReply;
  if (response.replayed) raw.header(idempotentReplayedHeaderName, 'true');
  return raw.code(response.status).headers(response.headers).type('application/json; charset=utf-8').send(response.body);
}
