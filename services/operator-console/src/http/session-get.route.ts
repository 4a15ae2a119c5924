// GET /api/session: who is signed in (and the CSRF token again, for a reloaded page); 401 when no
// session is live (none, idle too long, or past its maximum age).
import { errorResponses } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireSignedIn } from './session-guard.ts';
import { sessionBody, sessionBodySchema } from './session-schemas.ts';

export function sessionGetRoute(): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get('/api/session', { schema: { tags: ['session'], summary: 'The signed-in operator', response: { 200: sessionBodySchema, ...errorResponses(401) } } }, (request) => {
      const { operator, session } = requireSignedIn(request);
      return sessionBody(operator, session.csrfToken);
    });
  };
}
