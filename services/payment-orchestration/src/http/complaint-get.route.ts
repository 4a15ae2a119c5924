// GET /v1/complaints/{id}: where a complaint stands, with its resolution and evidence. Only the client
// that filed it sees it (another client's is 404, exactly like one that does not exist).
import { ApiError, complaintIdParamsSchema, complaintViewSchema } from '@gateway/contracts';
import { errorResponses, requireClientKind, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { complaintView } from '../domain/complaint.ts';
import { findClientComplaint } from '../store/pg-complaint-store.ts';
import type { RouteDeps } from './route-deps.ts';

export function complaintGetRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/v1/complaints/:id',
      {
        schema: {
          tags: ['complaints'],
          summary: 'Get a complaint',
          description: 'status (logged, assigned, resolved, escalated, rejected), dueBy, resolution and evidence; the filing client only.',
          headers: signatureHeadersSchema,
          params: complaintIdParamsSchema,
          response: { 200: complaintViewSchema, ...errorResponses(401, 403, 404, 429) },
        },
      },
      async (request) => {
        const client = requireClientKind(request, ['channel', 'portal']);
        const complaint = await findClientComplaint(deps.pool, client.clientId, request.params.id);
        if (complaint === null) throw new ApiError('not_found', `Complaint ${request.params.id} was not found.`);
        return complaintView(complaint);
      },
    );
  };
}
