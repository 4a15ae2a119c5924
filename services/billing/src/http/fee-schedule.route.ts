// GET /v1/fee-schedule?billerId=: the services of a government fee biller with the fee in force today
// and the next scheduled change, for any signed client (the portal shows it before an order; a
// channel may show it at its counter). The schedule is configuration read at start (FEE_SCHEDULES_FILE).
import { ApiError, businessDateOf, feeScheduleQuerySchema, feeScheduleResponseSchema } from '@gateway/contracts';
import type { FeeScheduleResponse } from '@gateway/contracts';
import { errorResponses, requireClient, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { feesOn } from '../domain/fee-schedule.ts';
import type { FeeEntry } from '../domain/fee-schedule.ts';
import type { RouteDeps } from './route-deps.ts';

function entryView(fee: FeeEntry | null) {
  return fee === null ? null : { effectiveFrom: fee.effectiveFrom, amount: fee.amount, orderTtlSeconds: Math.round(fee.orderTtlMs / 1000) };
}

export function feeScheduleRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/v1/fee-schedule',
      {
        schema: {
          tags: ['government fees'],
          summary: 'The services of a fee biller with their current fee and the next scheduled change',
          headers: signatureHeadersSchema,
          querystring: feeScheduleQuerySchema,
          response: { 200: feeScheduleResponseSchema, ...errorResponses(400, 401, 404) },
        },
      },
      // eslint-disable-next-line @typescript-eslint/require-await -- fastify handlers are async functions
      async (request): Promise<FeeScheduleResponse> => {
        requireClient(request);
        const { billerId } = request.query;
        const services = deps.feeSchedules?.get(billerId);
        if (services === undefined) throw new ApiError('biller_not_found', `${billerId} is not a fee biller.`);
        const asOf = businessDateOf((deps.now ?? (() => new Date()))());
        return {
          billerId,
          asOf,
          services: [...services].map(([serviceCode, fees]) => {
            const { current, next } = feesOn(fees, asOf);
            return { serviceCode, current: entryView(current), next: entryView(next) };
          }),
        };
      },
    );
  };
}
