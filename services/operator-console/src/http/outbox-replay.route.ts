// POST /api/outbox/{service}/{eventId}/replay: put a parked outbox event back in line (operator or
// admin; 403 for a viewer before anything is sent). The service audits it with the person.
import { errorResponses } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { replayParked } from '../flows/parked-outbox.flow.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireSignedIn } from './session-guard.ts';

export function outboxReplayRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post(
      '/api/outbox/:service/:eventId/replay',
      {
        schema: {
          tags: ['outbox'],
          summary: 'Replay a parked outbox event (operator role)',
          params: z.object({ service: z.string().min(1).max(100), eventId: z.uuid() }),
          response: { 200: z.object({ eventId: z.string(), status: z.literal('unparked') }), ...errorResponses(400, 401, 403, 404, 409, 503) },
        },
      },
      async (request) => replayParked(deps.outboxServices, requireSignedIn(request).operator, request.params),
    );
  };
}
