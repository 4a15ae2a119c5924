// GET /api/intents?status=reconciliation&cursor=: the reconciliation queue with the evidence from
// both services (flows/intents.flow.ts), for every role. The refund of a queued intent is
// intent-refund.route.ts.
import { intentDebitSchema, queuedIntentSchema, storableText } from '@gateway/contracts';
import { errorResponses } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { intentQueue } from '../flows/intents.flow.ts';
import { orchestrationOf } from './find-services.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireSignedIn } from './session-guard.ts';

const querySchema = z.strictObject({
  status: z.literal('reconciliation').optional().describe('The reconciliation queue (the only list today).'),
  cursor: storableText().max(512).optional().describe('nextCursor of the previous page.'),
});

// Orchestration's page, each intent with the bank adapter's debits: the services' own shapes (contracts).
const pageSchema = z.object({
  intents: z.array(queuedIntentSchema.extend({ debits: z.array(intentDebitSchema) })),
  nextCursor: z.string().nullable(),
  debitsAvailable: z.boolean().describe('false when the bank adapter did not answer: the debits are then missing, not empty'),
});

export function intentsRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/api/intents',
      {
        schema: {
          tags: ['intents'],
          summary: 'Intents needing a person: the reconciliation queue with the evidence',
          querystring: querySchema,
          response: { 200: pageSchema, ...errorResponses(400, 401, 503) },
        },
      },
      async (request) => {
        return intentQueue({ orchestration: orchestrationOf(deps), bankAdapter: deps.bankAdapter }, requireSignedIn(request).operator, request.query.cursor);
      },
    );
  };
}
