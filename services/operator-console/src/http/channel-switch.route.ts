// POST /api/channels/{channelId}/force-off and /force-on with { reason } (3-500 characters): operator
// or admin only (403 for a viewer, before anything is sent). The bank adapter audits the action with
// the person (x-operator-person).
import { errorResponses } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { switchChannel } from '../flows/channels.flow.ts';
import { channelParamsSchema, channelSchema, switchBodySchema } from './channel-schemas.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireSignedIn } from './session-guard.ts';

export function channelSwitchRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    for (const to of ['off', 'on'] as const) {
      app.post(
        `/api/channels/:channelId/force-${to}`,
        {
          schema: {
            tags: ['channels'],
            summary: to === 'off' ? 'Force a channel off (operator role)' : 'Put a forced-off channel back (operator role)',
            params: channelParamsSchema,
            body: switchBodySchema,
            response: { 200: channelSchema, ...errorResponses(400, 401, 403, 404, 503) },
          },
        },
        async (request) => switchChannel(deps.bankAdapter, requireSignedIn(request).operator, { channelId: request.params.channelId, to, reason: request.body.reason }),
      );
    }
  };
}
