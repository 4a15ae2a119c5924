// POST /v1/channels/{channelId}/force-off and /force-on: an operator takes a channel out of service
// (every debit to it then fails fast with channel_unavailable, no money moved) and puts it back.
// The switch is a Redis flag every replica obeys; the action is written to the append-only audit log
// and announced as channel.health-changed in one Postgres transaction. The flag is set inside that
// transaction, before the commit, so a switch without its audit row cannot stay: if the commit
// fails, the flag is put back.
//
// Naturally idempotent (the state is the point), so no Idempotency-Key: a repeat changes nothing,
// and is still audited, because an operator's every action is.
import { ApiError } from '@gateway/contracts';
import { appendAudit, errorResponses, requireOperator, signatureHeadersSchema, withTransaction } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ForcedOff } from '../channels/channel-gateway.ts';
import { enqueueHealthChange } from '../events/channel-health.publisher.ts';
import { channelIdParamsSchema, channelStatusSchema, forceOffBodySchema } from './channel-schemas.ts';
import { channelStatus } from './channel-status.ts';
import type { RouteDeps } from './route-deps.ts';

export function channelSwitchRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  const now = deps.now ?? (() => new Date());

  async function flip(channelId: string, to: ForcedOff | null, actor: string, requestId: string, correlationId: string) {
    const channel = deps.gateway.definition(channelId);
    if (channel === undefined) throw new ApiError('not_found', `No channel ${channelId}.`);
    const previous = deps.gateway.forcedOff(channelId);
    await withTransaction(deps.pool, async (client) => {
      const change = deps.gateway.setForcedOff(channelId, to);
      try {
        await appendAudit(client, {
          actor,
          action: to === null ? 'channel.force-on' : 'channel.force-off',
          target: channelId,
          detail: { changed: change !== null, from: change?.from ?? deps.gateway.state(channelId), to: change?.to ?? deps.gateway.state(channelId), reason: to?.reason ?? null },
          requestId,
        });
        if (change !== null) await enqueueHealthChange(client, change, { topic: deps.resultsTopic, correlationId });
        if (to === null) await deps.switches.forceOn(channelId);
        else await deps.switches.forceOff(channelId, to);
      } catch (error) {
        deps.gateway.setForcedOff(channelId, previous);
        throw error;
      }
    }).catch(async (error: unknown) => {
      // The commit failed after the flag was written: put the shared flag back as it was.
      deps.gateway.setForcedOff(channelId, previous);
      await (previous === null ? deps.switches.forceOn(channelId) : deps.switches.forceOff(channelId, previous)).catch(() => undefined);
      throw error;
    });
    return channelStatus(deps.gateway, channel);
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
        const operator = requireOperator(request);
        const forced: ForcedOff = { by: operator.clientId, at: now().toISOString(), reason: request.body?.reason ?? null };
        return flip(request.params.channelId, forced, operator.clientId, request.id, request.correlationId);
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
          response: { 200: channelStatusSchema, ...errorResponses(401, 403, 404) },
        },
      },
      async (request) => {
        const operator = requireOperator(request);
        return flip(request.params.channelId, null, operator.clientId, request.id, request.correlationId);
      },
    );
  };
}
