// POST /api/intents/{id}/refund with { reason } (3–500 characters): operator or admin (403 for a
// viewer, before anything is sent) → orchestration's operator refund (flows/intents.flow.ts); its 409
// invalid_state (an intent that does not qualify) passes through with its message.
import { idSchema, intentResponseSchema, storableText } from '@gateway/contracts';
import { errorResponses } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { refundIntent } from '../flows/intents.flow.ts';
import { orchestrationOf } from './find-services.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireSignedIn } from './session-guard.ts';

export function intentRefundRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post(
      '/api/intents/:id/refund',
      {
        schema: {
          tags: ['intents'],
          summary: 'Give back the debit of an intent whose payment was refused (operator role)',
          params: z.object({ id: idSchema }),
          body: z.strictObject({ reason: storableText().trim().min(3).max(500) }),
          response: { 200: intentResponseSchema, ...errorResponses(400, 401, 403, 404, 409, 503) },
        },
      },
      async (request) => refundIntent(orchestrationOf(deps), requireSignedIn(request).operator, { intentId: request.params.id, reason: request.body.reason }),
    );
  };
}
