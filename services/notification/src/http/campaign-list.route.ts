// GET /v1/campaigns: every campaign, newest first, a page at a time (`nextCursor` until the last
// page). Operators only.
import { timestampSchema } from '@gateway/contracts';
import { errorResponses, requireOperator, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listCampaigns } from '../flows/list-campaigns.flow.ts';
import { campaignListSchema } from './campaign-schemas.ts';
import { decodeCursor, defaultPageSize, encodeCursor, pageQueryShape } from './page-cursor.ts';
import type { RouteDeps } from './route-deps.ts';

const querySchema = z.strictObject(pageQueryShape);
const uuid = z.guid();

export function campaignListRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/v1/campaigns',
      {
        schema: {
          tags: ['campaigns'],
          summary: 'Campaigns, newest first, with their progress',
          headers: signatureHeadersSchema,
          querystring: querySchema,
          response: { 200: campaignListSchema, ...errorResponses(400, 401, 403) },
        },
      },
      async (request) => {
        requireOperator(request);
        const { limit = defaultPageSize, cursor } = request.query;
        const after =
          cursor === undefined
            ? undefined
            : decodeCursor(cursor, ([createdAt, campaignId]) => timestampSchema.safeParse(createdAt).success && uuid.safeParse(campaignId).success);
        const page = await listCampaigns({ db: deps.pool }, { limit, after: after && { createdAt: after[0], campaignId: after[1] } });
        return { campaigns: page.campaigns, nextCursor: page.next === null ? null : encodeCursor([page.next.createdAt, page.next.campaignId]) };
      },
    );
  };
}
