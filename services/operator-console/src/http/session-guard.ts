// Every /api/* route but sign-in runs behind this: the session cookie must name a live session of an
// operator still in the operators file (else 401), and every request that is not a GET must carry the
// session's CSRF token in x-csrf-token (else 403). A hook on the whole /api scope rather than a call in
// each route, so a new route cannot forget it.
import { timingSafeEqual } from 'node:crypto';
import { ApiError } from '@gateway/contracts';
import type { FastifyRequest } from 'fastify';
import type { Operator } from '../domain/operators.ts';
import type { Session } from '../store/redis-session-store.ts';
import type { RouteDeps } from './route-deps.ts';

export const sessionCookie = 'console_session';
export const csrfHeader = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in person and their session; set behind the session guard. */
    signedIn?: { operator: Operator; session: Session };
  }
}

function sameToken(sent: string | string[] | undefined, expected: string): boolean {
  if (typeof sent !== 'string') return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function resolveSession(deps: RouteDeps, request: FastifyRequest): Promise<{ operator: Operator; session: Session } | undefined> {
  const id = request.cookies[sessionCookie];
  if (id === undefined) return undefined;
  const session = await deps.sessions.touch(id);
  const operator = session && deps.operators.find((o) => o.username === session.username);
  return session && operator ? { operator, session } : undefined;
}

export function sessionGuard(deps: RouteDeps) {
  return async (request: FastifyRequest): Promise<void> => {
    if (request.method === 'POST' && request.routeOptions.url === '/api/session') return;
    const signedIn = await resolveSession(deps, request);
    if (signedIn === undefined) throw new ApiError('unauthenticated', 'Not signed in, or the session has ended.');
    if (request.method !== 'GET' && request.method !== 'HEAD' && !sameToken(request.headers[csrfHeader], signedIn.session.csrfToken)) {
      throw new ApiError('forbidden', `The ${csrfHeader} header is missing or does not match the session.`);
    }
    request.signedIn = signedIn;
  };
}

/** For handlers behind the guard. */
export function requireSignedIn(request: FastifyRequest): { operator: Operator; session: Session } {
  if (request.signedIn === undefined) throw new ApiError('unauthenticated');
  return request.signedIn;
}
