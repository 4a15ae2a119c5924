// GET /api/dead-letters: every service's open (or replayed) dead letters, for every role. A service
// that does not answer is `available: false` with a one-line error, never a 5xx for the whole screen.
import { deadLetterSchema, errorResponses } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listDeadLetters } from '../flows/dead-letters.flow.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireSignedIn } from './session-guard.ts';

const servicesSchema = z.object({
  services: z.array(z.object({ service: z.string(), available: z.boolean(), rows: z.array(deadLetterSchema), error: z.string().optional() })),
});

export function deadLettersRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/api/dead-letters',
      {
        schema: {
          tags: ['outbox'],
          summary: "Every service's dead-lettered messages, newest first",
          querystring: z.strictObject({ state: z.enum(['open', 'replayed']).default('open') }),
          response: { 200: servicesSchema, ...errorResponses(400, 401) },
        },
      },
      async (request) => listDeadLetters(deps, { person: requireSignedIn(request).operator.username, state: request.query.state }),
    );
  };
}
