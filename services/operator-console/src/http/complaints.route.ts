// GET /api/complaints?status=: orchestration's complaint queue of one status, the nearest due first
// (its first 100), for every role.
import { complaintQueueSchema, complaintStatusSchema } from '@gateway/contracts';
import { errorResponses } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listComplaints } from '../flows/complaints.flow.ts';
import { orchestrationOf } from './find-services.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireSignedIn } from './session-guard.ts';

export function complaintsRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/api/complaints',
      {
        schema: {
          tags: ['complaints'],
          summary: 'The complaint queue of one status',
          querystring: z.strictObject({ status: complaintStatusSchema }),
          response: { 200: complaintQueueSchema, ...errorResponses(400, 401, 503) },
        },
      },
      async (request) => listComplaints(orchestrationOf(deps), requireSignedIn(request).operator, request.query.status),
    );
  };
}
