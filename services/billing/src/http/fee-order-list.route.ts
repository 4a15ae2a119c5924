// GET /v1/fee-orders?billerId=&status=&limit=: the fee orders of the government fee billers for
// operators (the console's Fees and collections screen), newest first; each as GET
// /v1/fee-orders/{orderRef} shows it to its authority.
import { ApiError, feeOrderListQuerySchema, feeOrderListSchema } from '@gateway/contracts';
import { errorResponses, requireClientKind, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { listFeeOrders } from '../flows/list-fee-orders.flow.ts';
import type { RouteDeps } from './route-deps.ts';

export function feeOrderListRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/v1/fee-orders',
      {
        schema: {
          tags: ['government fees'],
          summary: 'Fee orders for operators, newest first: one fee biller’s or all, in a state or any',
          description:
            'billerId: a fee biller of the fee schedule (another: 404 biller_not_found). status is the state now: paid (its bill ' +
            'settled, with the receipt), cancelled, expired (unpaid past expiresAt) or awaiting_payment. At most limit (1–200, ' +
            'default 100) orders; more: true when others match.',
          headers: signatureHeadersSchema,
          querystring: feeOrderListQuerySchema,
          response: { 200: feeOrderListSchema, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        requireClientKind(request, ['operator']);
        const { billerId } = request.query;
        if (billerId !== undefined && !(deps.feeSchedules?.has(billerId) ?? false)) throw new ApiError('biller_not_found', `${billerId} is not a fee biller.`);
        return listFeeOrders(deps.pool, request.query, deps.now?.() ?? new Date());
      },
    );
  };
}
