// GET /api/fee-orders?billerId=&status=&limit=: billing's fee orders for the Fees and collections
// screen, any role. The query is checked here with billing's own schema, so a bad one is a 400 without a call.
import { feeOrderListQuerySchema, feeOrderListSchema } from '@gateway/contracts';
import { errorResponses } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { billingOf } from '../flows/adoption.flow.ts';
import { listFeeOrders } from '../flows/fee-orders.flow.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireSignedIn } from './session-guard.ts';

export function feeOrdersRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/api/fee-orders',
      {
        schema: {
          tags: ['collections'],
          summary: "Government fee orders, newest first (billing's GET /v1/fee-orders)",
          querystring: feeOrderListQuerySchema,
          response: { 200: feeOrderListSchema, ...errorResponses(400, 401, 503) },
        },
      },
      async (request) => listFeeOrders(billingOf(deps.outboxServices), requireSignedIn(request).operator, request.query),
    );
  };
}
