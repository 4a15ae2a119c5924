// GET /api/audit (admin; 403 for a viewer or an operator): every service's audit rows and the
// console's own sign-in events, newest first, a page at a time. A service that does not answer is
// `available: false` in `sources`, never a 5xx for the whole screen.
import { auditRowSchema, errorResponses } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listMergedAudit } from '../flows/audit.flow.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireSignedIn } from './session-guard.ts';

// As the services' own filter (kit's audit-log-routes.ts): printable ASCII, no spaces.
const term = z.string().regex(/^[\x21-\x7e]{1,200}$/, 'must be 1-200 printable ASCII characters without spaces');

const querySchema = z.strictObject({
  service: z.string().regex(/^[a-z-]{1,64}$/).optional().describe('One source only: a service, or operator-console for its sign-in events.'),
  actor: term.optional().describe('Exactly this actor, e.g. operator-console/alice.'),
  action: term.optional().describe('Exactly this action, e.g. channel.force-off.'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().regex(/^[A-Za-z0-9_-]{1,2000}$/).optional().describe("The previous page's nextCursor."),
});

const pageSchema = z.object({
  entries: z.array(auditRowSchema.extend({ service: z.string() })),
  sources: z.array(z.object({ service: z.string(), available: z.boolean(), error: z.string().optional() })),
  nextCursor: z.string().nullable(),
});

export function auditRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/api/audit',
      { schema: { tags: ['audit'], summary: 'The audit log of every service and of the console (admin role)', querystring: querySchema, response: { 200: pageSchema, ...errorResponses(400, 401, 403) } } },
      async (request) => listMergedAudit({ services: deps.outboxServices, console: deps.consoleAudit }, requireSignedIn(request).operator, request.query),
    );
  };
}
