// POST /v1/complaints: a channel or the portal files a complaint on a customer's behalf (docs/api.md).
// Idempotent like every state-changing POST. A reference that is not the caller's own is 404 not_found;
// an msisdn that is not a Syrian mobile is 400 invalid_request naming body.msisdn.
import { ApiError, complaintBodySchema, complaintCreatedSchema, idempotencyHeadersSchema } from '@gateway/contracts';
import { errorResponses, hashRequest, idempotent, requireClientKind, sendIdempotent, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { fileComplaint } from '../flows/file-complaint.flow.ts';
import { complaintTurnarounds } from './complaint-turnarounds.ts';
import type { RouteDeps } from './route-deps.ts';

export function complaintCreateRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post(
      '/v1/complaints',
      {
        schema: {
          tags: ['complaints'],
          summary: 'File a complaint for a customer',
          description:
            'type, the customer’s msisdn (a Syrian mobile) and a description; paymentId, channelTxnId and intentId must be the caller’s own. ' +
            'The answer carries dueBy, the type’s turnaround clock. Requires Idempotency-Key.',
          headers: signatureHeadersSchema.extend(idempotencyHeadersSchema.shape),
          body: complaintBodySchema,
          response: { 201: complaintCreatedSchema, ...errorResponses(400, 401, 403, 404, 409, 422, 429) },
        },
      },
      async (request, reply) => {
        const client = requireClientKind(request, ['channel', 'portal']);
        const requestHash = request.requestHash ?? hashRequest(request.method, request.url, JSON.stringify(request.body));
        const now = deps.now?.() ?? new Date();
        const response = await idempotent({ pool: deps.pool, clientId: client.clientId, key: request.headers['idempotency-key'], requestHash }, async (tx) => {
          const outcome = await fileComplaint(
            tx,
            { clientId: client.clientId, body: request.body, correlationId: request.correlationId },
            { now, turnarounds: complaintTurnarounds(deps.config), topic: deps.topics?.complaints },
          );
          if (outcome.kind === 'invalid') {
            throw new ApiError('invalid_request', `Invalid request: ${outcome.field}: ${outcome.problem}`, { fields: [{ field: outcome.field, problem: outcome.problem }] });
          }
          if (outcome.kind === 'not_found') throw new ApiError('not_found', outcome.message);
          request.log.info({ complaintId: outcome.complaint.complaintId, type: outcome.complaint.type }, 'complaint logged');
          return { status: 201, body: { complaintId: outcome.complaint.complaintId, status: 'logged' as const, dueBy: outcome.complaint.dueBy.toISOString() } };
        });
        return sendIdempotent(reply, response);
      },
    );
  };
}
