// GET /api/overview: the live overview's snapshot, for every role (the SPA's first paint; the stream
// sends the changes after it).
import { errorResponses } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { overviewSnapshotSchema } from './overview-schemas.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireSignedIn } from './session-guard.ts';

export function overviewRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/api/overview',
      { schema: { tags: ['overview'], summary: 'The live overview: payments, settlement lag, intents, channels, lag, outbox, dead letters', response: { 200: overviewSnapshotSchema, ...errorResponses(401) } } },
      (request) => {
        requireSignedIn(request);
        return deps.overview.snapshot();
      },
    );
  };
}
