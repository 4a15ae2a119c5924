// DELETE /api/session: sign out. The session is removed in Redis (the cookie alone would not end it)
// and the cookie cleared; the sign-out is a console audit event. Needs the CSRF header like every
// action, so another site cannot sign one out.
import { errorResponses } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { consoleAuditActions } from '../flows/sign-in.flow.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireSignedIn, sessionCookie } from './session-guard.ts';

export function sessionDeleteRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.delete('/api/session', { schema: { tags: ['session'], summary: 'Sign out', response: { 204: z.null(), ...errorResponses(401, 403) } } }, async (request, reply) => {
      const { operator, session } = requireSignedIn(request);
      await deps.sessions.remove(session.id);
      await deps.consoleAudit.append({
        actor: `${deps.consoleClientId}/${operator.username}`,
        action: consoleAuditActions.signOut,
        target: operator.username,
        detail: { ip: request.ip },
        requestId: request.id,
      });
      void reply.clearCookie(sessionCookie, { httpOnly: true, sameSite: 'strict', path: '/', secure: deps.cookieSecure });
      return reply.code(204).send(null);
    });
  };
}
