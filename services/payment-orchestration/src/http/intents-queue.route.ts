// GET /v1/intents?status=reconciliation: the intents waiting for a person, newest first, a page at a
// time, each with why and the evidence orchestration recorded. Operators only. `status` names the
// queue and is required, so a later list of other statuses adds values, not a different route.
import { ApiError, queuedIntentListSchema, storableText, timestampSchema } from '@gateway/contracts';
import { errorResponses, requireOperator, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { reconciliationQueue } from '../flows/operator-intents.flow.ts';
import type { RouteDeps } from './route-deps.ts';

const querySchema = z.strictObject({
  status: z.literal('reconciliation').describe('The only list today: intents in the reconciliation queue.'),
  limit: z.coerce.number().int().min(1).max(100).optional().describe('Page size, 1–100 (default 50).'),
  cursor: storableText().max(512).optional().describe('nextCursor of the previous page.'),
});

// The cursor is opaque to callers: base64url of the last row's sort key (queued at, intent id).
const cursorSchema = z.tuple([timestampSchema, z.string().min(1).max(64)]);

function encodeCursor(since: string, intentId: string): string {
  return Buffer.from(JSON.stringify([since, intentId])).toString('base64url');
}

function decodeCursor(cursor: string): { since: string; intentId: string } {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return { since: parsed.data[0], intentId: parsed.data[1] };
  } catch {
    // not JSON: falls through to the 400 below
  }
  throw new ApiError('invalid_request', 'cursor is not a nextCursor this list returned.', { fields: [{ field: 'querystring.cursor', problem: 'is not a valid cursor' }] });
}

export function intentsQueueRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/v1/intents',
      {
        schema: {
          tags: ['operators'],
          summary: 'The reconciliation queue: intents waiting for a person, with why and the evidence',
          headers: signatureHeadersSchema,
          querystring: querySchema,
          response: { 200: queuedIntentListSchema, ...errorResponses(400, 401, 403) },
        },
      },
      async (request) => {
        requireOperator(request);
        const { limit = 50, cursor } = request.query;
        const page = await reconciliationQueue(deps.pool, { limit, after: cursor === undefined ? undefined : decodeCursor(cursor) });
        return { intents: page.intents, nextCursor: page.next === null ? null : encodeCursor(page.next.since, page.next.intentId) };
      },
    );
  };
}
