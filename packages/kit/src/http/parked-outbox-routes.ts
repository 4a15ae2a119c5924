// The operator's handle on parked outbox rows (events Kafka refuses, see outbox/poison-rows.ts), in
// every service: /metrics (outbox_parked_rows) and the error log say that rows are parked; these
// routes say which, and put one back in line once the cause is fixed (the topic created, the broker's
// limit raised). Operator clients only; the replay is idempotent and audited like every operator action.
import { errorBody } from '@gateway/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import { appendAudit } from '../audit/pg-audit-store.ts';
import { operatorActor, requireOperator } from '../auth/client-kinds.ts';
import { hashRequest } from '../idempotency/idempotency-store.ts';
import { idempotent } from '../idempotency/idempotent.ts';
import { listParkedOutbox, outboxBacklog, replayParkedOutbox } from '../outbox/parked-rows.ts';
import { errorResponses } from './error-handler.ts';
import { idempotencyHeadersSchema, signatureHeadersSchema } from './header-schemas.ts';
import { sendIdempotent } from './idempotent-reply.ts';

const OUTBOX_REPLAY_ACTION = 'outbox.replay';

/** A parked row as the services' GET /v1/outbox/parked answers it (the operator console reads the same shape). */
export const parkedRowSchema = z.object({
  eventId: z.string(),
  type: z.string().nullable(),
  topic: z.string(),
  key: z.string(),
  attempts: z.number().int(),
  lastError: z.string().nullable().describe('Why Kafka refused it, as the relay last saw it.'),
  createdAt: z.string(),
  parkedAt: z.string(),
  blockedBehind: z.number().int().describe('Later events of the same topic and key held back behind this one (per-key order).'),
});

export type ParkedRowView = z.infer<typeof parkedRowSchema>;

const parkedListSchema = z.object({ parked: z.array(parkedRowSchema) });

/** GET /v1/outbox/backlog: what the service's outbox still has to send (the console's overview reads it). */
export const outboxBacklogSchema = z.object({
  unpublished: z.number().int().describe('Events waiting for the relay (neither published nor parked).'),
  oldestUnpublishedAt: z.string().nullable().describe('When the oldest of them was written; null when none waits.'),
  parked: z.number().int().describe('Events Kafka refuses, set aside (GET /v1/outbox/parked lists them).'),
});
export type OutboxBacklogView = z.infer<typeof outboxBacklogSchema>;
const eventIdParamsSchema = z.object({ eventId: z.uuid() });
const replayedSchema = z.object({
  eventId: z.string(),
  status: z.literal('unparked').describe('The relays publish it again; if Kafka still refuses it, it is parked again.'),
});

export function parkedOutboxRoutes(options: { pool: Pool }): FastifyPluginAsyncZod {
  const { pool } = options;
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/v1/outbox/parked',
      {
        schema: {
          tags: ['operations'],
          summary: 'Outbox events Kafka refuses, oldest first, with the events held back behind each',
          headers: signatureHeadersSchema,
          response: { 200: parkedListSchema, ...errorResponses(401, 403) },
        },
      },
      async (request) => {
        requireOperator(request);
        const rows = await listParkedOutbox(pool);
        return {
          parked: rows.map((r) => ({
            eventId: r.eventId,
            type: r.type,
            topic: r.topic,
            key: r.key,
            attempts: r.attempts,
            lastError: r.lastError,
            createdAt: r.createdAt.toISOString(),
            parkedAt: r.parkedAt.toISOString(),
            blockedBehind: r.blockedBehind,
          })),
        };
      },
    );

    app.get(
      '/v1/outbox/backlog',
      {
        schema: {
          tags: ['operations'],
          summary: 'How many outbox events wait for the relay, since when, and how many are parked',
          headers: signatureHeadersSchema,
          response: { 200: outboxBacklogSchema, ...errorResponses(401, 403) },
        },
      },
      async (request) => {
        requireOperator(request);
        const backlog = await outboxBacklog(pool);
        return { ...backlog, oldestUnpublishedAt: backlog.oldestUnpublishedAt?.toISOString() ?? null };
      },
    );

    app.post(
      '/v1/outbox/parked/:eventId/replay',
      {
        schema: {
          tags: ['operations'],
          summary: 'Put a parked outbox event back in line, with a fresh failure count',
          headers: signatureHeadersSchema.extend(idempotencyHeadersSchema.shape),
          params: eventIdParamsSchema,
          response: { 200: replayedSchema, ...errorResponses(400, 401, 403, 404, 409, 422) },
        },
      },
      async (request, reply) => {
        const operator = requireOperator(request);
        const { eventId } = request.params;
        const requestHash = request.requestHash ?? hashRequest(request.method, request.url, JSON.stringify(request.body));
        const response = await idempotent({ pool, clientId: operator.clientId, key: request.headers['idempotency-key'], requestHash }, async (tx) => {
          if (!(await replayParkedOutbox(tx, eventId))) {
            return { status: 404, body: errorBody('not_found', request.id, `No parked outbox event has id ${eventId}.`) };
          }
          // The person the console signed in, not only its key (as every operator action is audited).
          await appendAudit(tx, { actor: operatorActor(operator), action: OUTBOX_REPLAY_ACTION, target: eventId, requestId: request.id });
          return { status: 200, body: { eventId, status: 'unparked' } };
        });
        return sendIdempotent(reply, response);
      },
    );
  };
}
