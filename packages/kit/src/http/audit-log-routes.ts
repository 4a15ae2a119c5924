// The operator's read of a service's append-only audit_log (operator actions naming the person, and
// refused authentications), in every service beside the parked-outbox routes: the operator console's
// Audit screen merges the four services' pages. Operator clients only; reading is not itself audited
// (the console's session and its request log say who looked).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import { listAudit } from '../audit/pg-audit-store.ts';
import { requireOperator } from '../auth/client-kinds.ts';
import { errorResponses } from './error-handler.ts';
import { signatureHeadersSchema } from './header-schemas.ts';

export const defaultAuditPageSize = 50;
export const maxAuditPageSize = 200;

// Actors and actions are client ids, `client/person`, and dotted names: printable ASCII, no spaces,
// so a control character or an oversized value is a 400 rather than a query that can only miss.
const auditTerm = z.string().regex(/^[\x21-\x7e]{1,200}$/, 'must be 1-200 printable ASCII characters without spaces');

const auditQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(maxAuditPageSize).default(defaultAuditPageSize),
  cursor: z
    .string()
    .regex(/^[1-9][0-9]{0,17}$/, "must be a previous page's nextCursor")
    .optional()
    .describe("The previous page's nextCursor: rows older than its last."),
  actor: auditTerm.optional().describe('Only rows by this actor, exactly (e.g. operator-console/alice).'),
  action: auditTerm.optional().describe('Only rows of this action, exactly (e.g. channel.force-off).'),
  since: z.iso.datetime({ offset: true }).optional().describe('Only rows written at or after this time.'),
});

/** An audit row as GET /v1/audit-log answers it (the operator console reads the same shape). */
export const auditRowSchema = z.object({
  id: z.string().describe('Increasing in the order rows were written, within this service.'),
  at: z.string(),
  actor: z.string().describe('The client id, `client/person` when the console named the person, or `unauthenticated`.'),
  action: z.string(),
  target: z.string(),
  detail: z.record(z.string(), z.unknown()),
  requestId: z.string().nullable(),
});

export type AuditRowView = z.infer<typeof auditRowSchema>;

export const auditPageSchema = z.object({
  entries: z.array(auditRowSchema),
  nextCursor: z.string().nullable().describe('Pass as cursor for the next (older) page; null on the last page.'),
});

export function auditLogRoutes(options: { pool: Pool }): FastifyPluginAsyncZod {
  const { pool } = options;
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/v1/audit-log',
      {
        schema: {
          tags: ['operations'],
          summary: "This service's audit log, newest first",
          headers: signatureHeadersSchema,
          querystring: auditQuerySchema,
          response: { 200: auditPageSchema, ...errorResponses(400, 401, 403) },
        },
      },
      async (request) => {
        requireOperator(request);
        const { limit, cursor, actor, action, since } = request.query;
        // One row more than the page, to know whether another page follows without a second query.
        const rows = await listAudit(pool, { limit: limit + 1, beforeId: cursor, actor, action, since: since === undefined ? undefined : new Date(since) });
        const page = rows.slice(0, limit);
        return {
          entries: page.map((r) => ({ ...r, at: r.at.toISOString() })),
          nextCursor: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null,
        };
      },
    );
  };
}
