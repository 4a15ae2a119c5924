// GET /v1/billers: the billers and their services, from config/billers.json.
import { billersResponseSchema } from '@gateway/contracts';
import { errorResponses, requireClient, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { RouteDeps } from './route-deps.ts';

export function billersRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/v1/billers',
      {
        schema: {
          tags: ['catalogue'],
          summary: 'Billers and their services (essential services carry no fee)',
          headers: signatureHeadersSchema,
          response: { 200: billersResponseSchema, ...errorResponses(401, 429) },
        },
      },
      // eslint-disable-next-line @typescript-eslint/require-await -- fastify handlers are async functions
      async (request) => {
        requireClient(request);
        return { billers: deps.config.catalogues.billers.billers };
      },
    );
  };
}
