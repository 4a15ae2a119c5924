// GET /v1/complaints?status=: the operators' complaint queue for one status, the nearest due time first
// (operator clients only), `?limit=` 1–100 (50).
import { complaintQueueQuerySchema, complaintQueueSchema } from '@gateway/contracts';
import { errorResponses, requireOperator, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { queuedComplaintView } from '../domain/complaint.ts';
import { listComplaints } from '../store/pg-complaint-store.ts';
import type { RouteDeps } from './route-deps.ts';

export function complaintQueueRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/v1/complaints',
      {
        schema: {
          tags: ['complaints'],
          summary: 'The complaint queue',
          description: 'Complaints of one status (logged, assigned, resolved, escalated, rejected), the nearest dueBy first, with the filing client and the assignee.',
          headers: signatureHeadersSchema,
          querystring: complaintQueueQuerySchema,
          response: { 200: complaintQueueSchema, ...errorResponses(400, 401, 403, 429) },
        },
      },
      async (request) => {
        requireOperator(request);
        const rows = await listComplaints(deps.pool, request.query.status, request.query.limit);
        return { complaints: rows.map(queuedComplaintView) };
      },
    );
  };
}
