// The operator's handle on dead letters, in every service that consumes: GET /v1/dead-letters lists
// what the ledger stored (dead-letter-ledger.ts), POST /v1/dead-letters/{id}/replay runs one through
// the group that failed. Operator clients only; the replay is audited with the person. It needs no
// Idempotency-Key: the row's own state makes it idempotent (a replayed row is answered unchanged).
import { ApiError } from '@gateway/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import { operatorActor, requireOperator } from '../auth/client-kinds.ts';
import { errorResponses } from '../http/error-handler.ts';
import { signatureHeadersSchema } from '../http/header-schemas.ts';
import type { DeadLetterLedger } from './dead-letter-ledger.ts';
import { listDeadLetters } from './dead-letter-store.ts';
import type { DeadLetterRow } from './dead-letter-store.ts';

/** A dead letter as GET /v1/dead-letters answers it (the operator console reads the same shape). */
export const deadLetterSchema = z.object({
  id: z.string(),
  topic: z.string().describe('The topic the message was consumed from.'),
  partition: z.number().int(),
  offset: z.string(),
  group: z.string().describe('The consumer group that failed it, and the one a replay runs it through.'),
  kind: z.enum(['schema', 'handler']).describe('schema: failed its contract, never retried; handler: threw on every attempt.'),
  reason: z.string(),
  attempts: z.number().int(),
  failedAt: z.string(),
  key: z.string().nullable(),
  payload: z.string().nullable().describe('The message value as UTF-8 text.'),
  headers: z.record(z.string(), z.string()),
  state: z.enum(['open', 'replayed']),
  replayedAt: z.string().nullable(),
  replayedBy: z.string().nullable(),
  replayAttempts: z.number().int(),
  lastReplayError: z.string().nullable(),
});

export type DeadLetterView = z.infer<typeof deadLetterSchema>;

export const deadLetterPageSchema = z.object({
  deadLetters: z.array(deadLetterSchema),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next (older) page; null on the last.'),
});

export const defaultDeadLetterPageSize = 50;
const maxPageSize = 200;

const listQuerySchema = z.strictObject({
  state: z.enum(['open', 'replayed']).default('open'),
  limit: z.coerce.number().int().min(1).max(maxPageSize).default(defaultDeadLetterPageSize),
  cursor: z.string().regex(/^[1-9][0-9]{0,18}$/, 'must be the nextCursor of a previous page').optional(),
});

export function deadLetterView(row: DeadLetterRow): DeadLetterView {
  return {
    id: row.id,
    topic: row.originalTopic,
    partition: row.originalPartition,
    offset: row.originalOffset,
    group: row.group,
    kind: row.kind,
    reason: row.reason,
    attempts: row.attempts,
    failedAt: row.failedAt.toISOString(),
    key: row.key?.toString('utf8') ?? null,
    payload: row.value?.toString('utf8') ?? null,
    headers: row.headers,
    state: row.state,
    replayedAt: row.replayedAt?.toISOString() ?? null,
    replayedBy: row.replayedBy,
    replayAttempts: row.replayAttempts,
    lastReplayError: row.lastReplayError,
  };
}

export function deadLetterRoutes(options: { pool: Pool; ledger: DeadLetterLedger }): FastifyPluginAsyncZod {
  const { pool, ledger } = options;
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/v1/dead-letters',
      {
        schema: {
          tags: ['operations'],
          summary: "Messages this service's consumers dead-lettered, newest first",
          headers: signatureHeadersSchema,
          querystring: listQuerySchema,
          response: { 200: deadLetterPageSchema, ...errorResponses(400, 401, 403) },
        },
      },
      async (request) => {
        requireOperator(request);
        const { state, limit, cursor } = request.query;
        // One more than asked: whether there is a next page, without a count.
        const rows = await listDeadLetters(pool, { state, limit: limit + 1, before: cursor });
        const page = rows.slice(0, limit);
        return { deadLetters: page.map(deadLetterView), nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
      },
    );

    app.post(
      '/v1/dead-letters/:id/replay',
      {
        schema: {
          tags: ['operations'],
          summary: 'Run a dead letter through the consumer group that failed it, once',
          headers: signatureHeadersSchema,
          params: z.object({ id: z.string().regex(/^[1-9][0-9]{0,18}$/, 'must be a dead letter id') }),
          response: { 200: z.object({ deadLetter: deadLetterSchema }), ...errorResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        const operator = requireOperator(request);
        const result = await ledger.replay(request.params.id, operatorActor(operator), request.id);
        if (result.outcome === 'not_found') throw new ApiError('not_found', `No dead letter has id ${request.params.id}.`);
        // The row stays open with the attempt counted; the reason is what the operator must act on.
        if (result.outcome === 'failed') throw new ApiError('invalid_state', `The replay failed: ${result.reason}`);
        return { deadLetter: deadLetterView(result.row) };
      },
    );
  };
}
