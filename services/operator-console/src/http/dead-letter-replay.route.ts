// POST /api/dead-letters/{service}/{id}/replay: run a dead letter through the consumer group that
// failed it (operator or admin; 403 for a viewer before anything is sent). 409 with the reason when it
// fails again; the service audits it with the person.
import { deadLetterSchema, errorResponses } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { replayDeadLetter } from '../flows/dead-letters.flow.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireSignedIn } from './session-guard.ts';

export function deadLetterReplayRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post(
      '/api/dead-letters/:service/:id/replay',
      {
        schema: {
          tags: ['outbox'],
          summary: 'Replay a dead letter through the group that failed it (operator role)',
          params: z.object({ service: z.string().min(1).max(100), id: z.string().regex(/^[1-9][0-9]{0,18}$/, 'must be a dead letter id') }),
          response: { 200: z.object({ deadLetter: deadLetterSchema }), ...errorResponses(400, 401, 403, 404, 409, 503) },
        },
      },
      async (request) => replayDeadLetter(deps, requireSignedIn(request).operator, request.params),
    );
  };
}
