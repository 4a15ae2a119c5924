// POST /api/complaints/{id}/{assign|resolve|escalate|reject} with { note? } (required to resolve or
// reject: orchestration's 400 passes through): operator or admin (403 for a viewer, before anything
// is sent). `assign` assigns it to the signed-in person; a closed complaint is orchestration's 409.
import { complaintActionBodySchema, complaintActionParamsSchema, queuedComplaintSchema } from '@gateway/contracts';
import { errorResponses } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { workComplaint } from '../flows/complaints.flow.ts';
import { orchestrationOf } from './find-services.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireSignedIn } from './session-guard.ts';

export function complaintActionRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post(
      '/api/complaints/:id/:action',
      {
        schema: {
          tags: ['complaints'],
          summary: 'Assign (to me), resolve, escalate or reject a complaint (operator role)',
          params: complaintActionParamsSchema,
          body: complaintActionBodySchema.nullish(),
          response: { 200: queuedComplaintSchema, ...errorResponses(400, 401, 403, 404, 409, 503) },
        },
      },
      async (request) => {
        const { id, action } = request.params;
        return workComplaint(orchestrationOf(deps), requireSignedIn(request).operator, { complaintId: id, action, note: request.body?.note });
      },
    );
  };
}
