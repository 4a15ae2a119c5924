// GET /v1/opt-outs?msisdn=…: one subscriber's opt-out state and its history (when and how it changed),
// so an operator can answer "why do I get no SMS?". GET /v1/opt-outs: the numbers opted out now,
// most recent first, a page at a time. One path, so one route: the query decides which answer.
// Operators only: an opt-out is a subscriber's personal choice.
//
// The number may be typed as +963…, 00963…, 09… or 963…; all are normalised to the E.164 key the
// opt-outs are stored under (domain/msisdn.ts). A number that is not a Syrian mobile is a 400.
import { optOutListSchema, optOutStateSchema, storableText } from '@gateway/contracts';
import { errorResponses, requireOperator, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getOptOut } from '../flows/get-opt-out.flow.ts';
import { listOptOuts } from '../flows/list-opt-outs.flow.ts';
import { msisdnFromQuery } from './msisdn-query.ts';
import { decodeCursor, defaultPageSize, encodeCursor, pageQueryShape } from './page-cursor.ts';
import type { RouteDeps } from './route-deps.ts';

const querySchema = z.strictObject({
  msisdn: storableText().max(64).optional().describe('One subscriber (+963…, 00963… or 09…): their state and history instead of the list.'),
  ...pageQueryShape,
});

export function optOutsRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/v1/opt-outs',
      {
        schema: {
          tags: ['opt-outs'],
          summary: 'Subscribers who opted out of SMS, or one subscriber’s opt-out state and history',
          headers: signatureHeadersSchema,
          querystring: querySchema,
          response: { 200: z.union([optOutStateSchema, optOutListSchema]), ...errorResponses(400, 401, 403) },
        },
      },
      async (request) => {
        requireOperator(request);
        const { msisdn, limit = defaultPageSize, cursor } = request.query;
        if (msisdn !== undefined) return getOptOut({ db: deps.pool }, msisdnFromQuery(msisdn, 'msisdn'));
        const after = cursor === undefined ? undefined : decodeCursor(cursor, ([changedAtUs, number]) => /^\d{1,18}$/.test(changedAtUs) && number !== '' && !number.includes('\u0000'));
        const page = await listOptOuts({ db: deps.pool }, { limit, after: after && { changedAtUs: after[0], msisdn: after[1] } });
        return { optOuts: page.optOuts, nextCursor: page.next === null ? null : encodeCursor([page.next.changedAtUs, page.next.msisdn]) };
      },
    );
  };
}
