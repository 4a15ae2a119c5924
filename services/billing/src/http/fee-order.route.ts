// GET /v1/fee-orders/{orderRef}: an order's state for the portal and for its issuing authority
// (awaiting_payment, paid with the receipt, expired, cancelled). Another authority's order is 404.
import { ApiError, feeOrderParamsSchema, feeOrderViewSchema } from '@gateway/contracts';
import { errorResponses, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { getFeeOrder } from '../flows/get-fee-order.flow.ts';
import { feeOrderCaller } from './fee-order-caller.ts';
import type { RouteDeps } from './route-deps.ts';

export function feeOrderRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/v1/fee-orders/:orderRef',
      {
        schema: {
          tags: ['government fees'],
          summary: 'A fee order: its status, amount, and once paid its receipt',
          headers: signatureHeadersSchema,
          params: feeOrderParamsSchema,
          response: { 200: feeOrderViewSchema, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const caller = feeOrderCaller(request);
        const order = await getFeeOrder(deps.pool, request.params.orderRef, deps.now?.() ?? new Date(), caller.onlyBiller);
        if (order === null) throw new ApiError('not_found', `No fee order ${request.params.orderRef}.`);
        return order;
      },
    );
  };
}
