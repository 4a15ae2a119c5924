// POST /v1/fee-orders: the portal or an issuing authority orders a government service for an applicant
// (docs/api.md, "Government fees"). Idempotent like every state-changing POST: the order, its bill, the
// applicant's account and the bill.issued outbox row commit with the key, so a retry after a timeout
// returns the same orderRef instead of billing the applicant twice.
import { ApiError, feeOrderBodySchema, feeOrderCreatedSchema, idempotencyHeadersSchema } from '@gateway/contracts';
import { errorResponses, hashRequest, idempotent, sendIdempotent, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { createFeeOrder } from '../flows/create-fee-order.flow.ts';
import { feeOrderCaller } from './fee-order-caller.ts';
import type { RouteDeps } from './route-deps.ts';

export function feeOrderCreateRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post(
      '/v1/fee-orders',
      {
        schema: {
          tags: ['government fees'],
          summary: 'Order a government service: a one-off bill of the fee biller for the applicant',
          description:
            'Portal, or the issuing authority’s own biller client for its billerId (another biller: 403). Priced by the fee in force ' +
            'today (Asia/Damascus) × quantity (1–10); payable until expiresAt. The orderRef is the bill’s accountNo at payment ' +
            'orchestration. Unknown biller: 404 biller_not_found; unknown service: 400 naming body.serviceCode. Requires Idempotency-Key.',
          headers: signatureHeadersSchema.extend(idempotencyHeadersSchema.shape),
          body: feeOrderBodySchema,
          response: { 201: feeOrderCreatedSchema, ...errorResponses(400, 401, 403, 404, 409, 422) },
        },
      },
      async (request, reply) => {
        const caller = feeOrderCaller(request);
        const body = request.body;
        if (caller.onlyBiller !== undefined && caller.onlyBiller !== body.billerId) {
          throw new ApiError('forbidden', `${caller.clientId} orders fees of ${caller.onlyBiller} only.`);
        }
        const requestHash = request.requestHash ?? hashRequest(request.method, request.url, JSON.stringify(body));
        const now = deps.now?.() ?? new Date();
        const response = await idempotent({ pool: deps.pool, clientId: caller.clientId, key: request.headers['idempotency-key'], requestHash }, async (tx) => {
          const result = await createFeeOrder(
            { tx, schedules: deps.feeSchedules ?? new Map(), policy: deps.policy, now },
            { body, clientId: caller.clientId, correlationId: request.correlationId, causationId: request.id },
          );
          // Thrown, not returned: nothing is stored under the key, so the caller may correct and resend.
          if (result.kind === 'biller_not_found') throw new ApiError('biller_not_found', result.message);
          if (result.kind === 'invalid') {
            throw new ApiError('invalid_request', `Invalid request: ${result.field}: ${result.problem}`, { fields: [{ field: result.field, problem: result.problem }] });
          }
          request.log.info({ orderRef: result.order.orderRef, billId: result.billId, billerId: body.billerId, serviceCode: body.serviceCode }, 'fee order created');
          return { status: 201, body: result.order, headers: { location: `/v1/fee-orders/${result.order.orderRef}` } };
        });
        return sendIdempotent(reply, response);
      },
    );
  };
}
