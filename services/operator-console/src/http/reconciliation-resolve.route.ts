// POST /api/reconciliation-exceptions/{id}/resolve with { action, note }: operator or admin (403 for a
// viewer, before anything is sent). Orchestration's 409 invalid_state (already resolved otherwise,
// superseded by a corrected file, an action it cannot do yet) passes through with its message.
import { idSchema, reconciliationActions, reconciliationExceptionSchema, storableText } from '@gateway/contracts';
import { errorResponses } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { resolveReconciliationException } from '../flows/reconciliation.flow.ts';
import { orchestrationOf } from './find-services.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireSignedIn } from './session-guard.ts';

// The console's rule for a person's note (3–500, as force-off's reason), within orchestration's 1–1000.
const bodySchema = z.strictObject({ action: z.enum(reconciliationActions), note: storableText().trim().min(3).max(500) });

export function reconciliationResolveRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post(
      '/api/reconciliation-exceptions/:id/resolve',
      {
        schema: {
          tags: ['reconciliation'],
          summary: 'Resolve a reconciliation exception (operator role)',
          params: z.object({ id: idSchema }),
          body: bodySchema,
          response: { 200: reconciliationExceptionSchema, ...errorResponses(400, 401, 403, 404, 409, 503) },
        },
      },
      async (request) => resolveReconciliationException(orchestrationOf(deps), requireSignedIn(request).operator, { exceptionId: request.params.id, ...request.body }),
    );
  };
}
