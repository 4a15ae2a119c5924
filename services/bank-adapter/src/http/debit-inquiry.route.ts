// GET /v1/channels/{channelId}/debits/{reference}: a live status inquiry of one debit at its channel
// (flows/debit-inquiry.flow.ts), with the adapter's records of the debit and its refund. Operators only
// (payment orchestration's complaint check signs as its operator client). A channel that cannot be
// asked right now is 503 channel_unavailable: nothing is known, the caller asks again later.
import { ApiError, debitInquirySchema, idSchema } from '@gateway/contracts';
import { errorResponses, requireOperator, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { inquireDebitLive } from '../flows/debit-inquiry.flow.ts';
import type { RouteDeps } from './route-deps.ts';

const paramsSchema = z.object({
  channelId: idSchema,
  // Debit references are orchestration's intent ids (pi_…): anything else has no debit at any channel.
  reference: z.string().regex(/^pi_[A-Za-z0-9_-]{1,124}$/, 'must be a payment intent id (pi_…)'),
});

export function debitInquiryRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  const now = deps.now ?? (() => new Date());
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/v1/channels/:channelId/debits/:reference',
      {
        schema: {
          tags: ['channels'],
          summary: 'Asks the channel now what became of the debit with this reference and its reversal, beside the adapter’s records',
          headers: signatureHeadersSchema,
          params: paramsSchema,
          response: { 200: debitInquirySchema, ...errorResponses(400, 401, 403, 404, 503) },
        },
      },
      async (request) => {
        requireOperator(request);
        const { channelId, reference } = request.params;
        const outcome = await inquireDebitLive({ db: deps.pool, gateway: deps.gateway, now }, channelId, reference);
        if (outcome.kind === 'unknown_channel') throw new ApiError('not_found', `No channel ${channelId}.`);
        if (outcome.kind === 'unavailable') {
          request.log.warn({ channelId, reference, reason: outcome.message }, 'live debit inquiry: channel not answering');
          throw new ApiError('channel_unavailable', `Channel ${channelId} cannot be asked right now.`);
        }
        return outcome.inquiry;
      },
    );
  };
}
