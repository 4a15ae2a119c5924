// POST /api/session: sign in. 200 with the user and the session's CSRF token, and the session cookie
// (httpOnly, SameSite=Strict, Path=/; Secure with SESSION_COOKIE_SECURE). Bad credentials are one 401
// whatever was wrong; a username locked out after repeated failures is 429 with Retry-After.
import { ApiError } from '@gateway/contracts';
import { errorResponses } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { signIn } from '../flows/sign-in.flow.ts';
import type { RouteDeps } from './route-deps.ts';
import { sessionCookie } from './session-guard.ts';
import { sessionBody, sessionBodySchema } from './session-schemas.ts';

const credentialsSchema = z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(1_024) });

export function sessionCreateRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post(
      '/api/session',
      { schema: { tags: ['session'], summary: 'Sign in', body: credentialsSchema, response: { 200: sessionBodySchema, ...errorResponses(400, 401, 429) } } },
      async (request, reply) => {
        const result = await signIn(deps, request.body, { ip: request.ip, requestId: request.id });
        if (result.kind === 'locked_out') {
          const seconds = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
          void reply.header('retry-after', seconds);
          throw new ApiError('rate_limited', `Too many failed sign-ins for this username; try again in ${seconds} s.`);
        }
        if (result.kind === 'bad_credentials') throw new ApiError('unauthenticated', 'Wrong username or password.');
        void reply.setCookie(sessionCookie, result.session.id, { httpOnly: true, sameSite: 'strict', path: '/', secure: deps.cookieSecure });
        request.log.info({ operator: result.operator.username }, 'operator signed in');
        return sessionBody(result.operator, result.session.csrfToken);
      },
    );
  };
}
