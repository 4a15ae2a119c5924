// GET /api/outbox/parked: every service's parked outbox rows, for every role. A service that does not
// answer is `available: false` with a one-line error, never a 5xx for the whole screen.
import { errorResponses, parkedRowSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listParked } from '../flows/parked-outbox.flow.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireSignedIn } from './session-guard.ts';

const servicesSchema = z.object({
  services: z.array(z.object({ service: z.string(), available: z.boolean(), rows: z.array(parkedRowSchema), error: z.string().optional() })),
});

export function outboxParkedRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/api/outbox/parked',
      { schema: { tags: ['outbox'], summary: "Every service's parked outbox rows", response: { 200: servicesSchema, ...errorResponses(401) } } },
      async (request) => ({ services: await listParked(deps.outboxServices, requireSignedIn(request).operator) }),
    );
  };
}
