// Every route of billing's API, as one plugin that app.ts mounts behind signature authentication.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { accountBillsRoute } from './account-bills.route.ts';
import { adoptionRoute } from './adoption.route.ts';
import { accountRoute } from './account.route.ts';
import { billBatchesRoute } from './bill-batches.route.ts';
import { collectionsRoute } from './collections.route.ts';
import { entityStatementRoute } from './entity-statement.route.ts';
import { feeOrderCreateRoute } from './fee-order-create.route.ts';
import { feeOrderListRoute } from './fee-order-list.route.ts';
import { feeOrderRoute } from './fee-order.route.ts';
import { feeScheduleRoute } from './fee-schedule.route.ts';
import { paymentEffectsRoute } from './payment-effects.route.ts';
import type { RouteDeps } from './route-deps.ts';

export type { RouteDeps } from './route-deps.ts';

export function billingRoutes(deps: RouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    await app.register(billBatchesRoute(deps));
    await app.register(accountRoute(deps));
    await app.register(accountBillsRoute(deps));
    await app.register(entityStatementRoute(deps));
    await app.register(adoptionRoute(deps));
    await app.register(collectionsRoute(deps));
    await app.register(paymentEffectsRoute(deps));
    await app.register(feeScheduleRoute(deps));
    await app.register(feeOrderCreateRoute(deps));
    await app.register(feeOrderRoute(deps));
    await app.register(feeOrderListRoute(deps));
  };
}
