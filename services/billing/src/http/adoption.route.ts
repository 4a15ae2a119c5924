// GET /v1/adoption?cycle=YYYY-MM: a billing cycle's bills issued and paid through the gateway, by
// governorate, holder class, channel and day, and the public entities' balances, for operators (the
// console's adoption screen). The default cycle is the current month in Asia/Damascus.
import { adoptionQuerySchema, adoptionResponseSchema, isStorableDate } from '@gateway/contracts';
import { errorResponses, requireClientKind, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { getAdoption } from '../flows/get-adoption.flow.ts';
import type { RouteDeps } from './route-deps.ts';

// Postgres has no year 0: a cycle of year 0000 is a 400 naming the field, not a database error.
const querySchema = adoptionQuerySchema.extend({
  cycle: adoptionQuerySchema.shape.cycle.refine((c) => c === undefined || isStorableDate(c), { error: 'must be a month from 0001-01 on' }),
});

export function adoptionRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/v1/adoption',
      {
        schema: {
          tags: ['billing'],
          summary: "A billing cycle's bills paid through the gateway: totals, by governorate, holder class, channel and day",
          description:
            'A cycle is the bills issued in a month (issue date, Asia/Damascus); the default is the current month. A bill counts as ' +
            'paid through the gateway when it is paid in full now; its day and channel are those of the payment that completed it. ' +
            'share = billsPaidViaGateway / billsIssued (null when none were issued). publicEntities: what each public entity owes now, all cycles.',
          headers: signatureHeadersSchema,
          querystring: querySchema,
          response: { 200: adoptionResponseSchema, ...errorResponses(400, 401, 403) },
        },
      },
      async (request) => {
        requireClientKind(request, ['operator']);
        return getAdoption({ pool: deps.pool, now: deps.now ?? (() => new Date()) }, { cycle: request.query.cycle });
      },
    );
  };
}
