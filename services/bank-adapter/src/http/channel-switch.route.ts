// POST /v1/channels/{channelId}/force-off and /force-on: an operator takes a channel out of service
// and puts it back (flows/switch-channel.flow.ts: the Redis flag, the audit row and
// channel.health-changed). Naturally idempotent (the state is the point), so no Idempotency-Key.
import { ApiError } from '@gateway/contracts';
import { errorResponses, operatorActor, requireOperator, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ForcedOff } from '../channels/channel-gateway.ts';
import { channelStatus } from '../flows/list-channels.flow.ts';
import { switchChannel } from '../flows/switch-channel.flow.ts';
import { channelIdParamsSchema, channelStatusSchema, forceOffBodySchema } from './channel-schemas.ts';
import type { RouteDeps } from './route-deps.ts';

export function channelSwitchRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  const now = deps.now ?? (() => new Date());

  async function flip(channelId: string, to: ForcedOff | null, actor: string, requestId: string, correlationId: string, reason: string | null) {
    const result = await switchChannel(deps, { channelId, to, actor, requestId, correlationId, reason });
    if (result.kind === 'unknown_channel') throw new ApiError('not_found', result.message);
    return channelStatus(deps.gateway, result.channel);
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post(
      '/v1/channels/:channelId/force-off',
      {
        schema: {
          tags: ['channels'],
          summary: 'Take a channel out of service: debits fail fast with channel_unavailable',
          headers: signatureHeadersSchema,
          params: channelIdParamsSchema,
          body: forceOffBodySchema,
          response: { 200: channelStatusSchema, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        // The actor names the person when the console signed them in (operatorActor), not only its key.
        const actor = operatorActor(requireOperator(request));
        const forced: ForcedOff = { by: actor, at: now().toISOString(), reason: request.body?.reason ?? null };
        return flip(request.params.channelId, forced, actor, request.id, request.correlationId, forced.reason);
      },
    );
    app.post(
      '/v1/channels/:channelId/force-on',
      {
        schema: {
          tags: ['channels'],
          summary: 'Put a channel forced off back in service (its breaker decides from there)',
          headers: signatureHeadersSchema,
          params: channelIdParamsSchema,
          // Nullable: a call without a body (as before the reason was taken) is still accepted.
          body: forceOffBodySchema.nullable(),
          response: { 200: channelStatusSchema, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        return flip(request.params.channelId, null, operatorActor(requireOperator(request)), request.id, request.correlationId, request.body?.reason ?? null);
      },
    );
  };
}
