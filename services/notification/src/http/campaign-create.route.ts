// POST /v1/campaigns: an operator schedules a campaign (a text per language, a segment of the bill
// contacts, a start time). Like every state-changing POST it requires an Idempotency-Key (API.md): the
// dashboard's retry after a timeout must not schedule the campaign twice, which would text every
// recipient twice. The campaign and its audit row are written in the key's own transaction, so the
// three commit together or not at all.
//
// A start time out of range is refused by throwing, inside the key's transaction: nothing is stored,
// so the operator corrects the time and may send again under the same key, exactly as for a body the
// schema refused. The check runs after the key is looked up, so the replay of a campaign created a
// minute before its start still replays instead of failing the time check.
import { ApiError, idempotencyHeadersSchema } from '@gateway/contracts';
import { appendAudit, errorResponses, hashRequest, idempotent, requireOperator, sendIdempotent, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { createCampaign, isEmptySegment } from '../store/pg-campaign-store.ts';
import { campaignProgressSchema, createCampaignBodySchema } from './campaign-schemas.ts';
import type { RouteDeps } from './route-deps.ts';

// A few minutes' grace: the dashboard fills startAt with "now" and the request takes a moment (or
// is retried) before it lands.
const maxPastMs = 5 * 60_000;
// Far enough for any planned campaign; farther out, the segment would select from bills that do not
// exist yet, and a typo in the year would otherwise lie in wait for months.
const maxAheadMs = 60 * 24 * 60 * 60_000;

function startAtOf(requested: string | undefined, now: Date): Date {
  if (requested === undefined) return now;
  const startAt = new Date(requested);
  const problem =
    startAt.getTime() < now.getTime() - maxPastMs
      ? 'must not be more than 5 minutes in the past'
      : startAt.getTime() > now.getTime() + maxAheadMs
        ? 'must not be more than 60 days ahead'
        : null;
  if (problem !== null) throw new ApiError('invalid_request', `Invalid request: body.startAt: ${problem}`, { fields: [{ field: 'body.startAt', problem }] });
  return startAt;
}

export function campaignCreateRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post(
      '/v1/campaigns',
      {
        schema: {
          tags: ['campaigns'],
          summary: 'Schedule an SMS campaign to a segment of bill holders',
          description:
            'Operators only. Requires Idempotency-Key (API.md rules). Texts: Arabic required, English optional (English-speaking ' +
            'holders get Arabic without it), 1–1,000 characters each. The segment\'s filters are AND-ed; an empty segment must be ' +
            'sent as { "all": true }. startAt: from 5 minutes ago to 60 days ahead, now if left out. Opted-out numbers are skipped.',
          headers: signatureHeadersSchema.extend(idempotencyHeadersSchema.shape),
          body: createCampaignBodySchema,
          response: { 201: campaignProgressSchema, ...errorResponses(400, 401, 403, 409, 422) },
        },
      },
      async (request, reply) => {
        const operator = requireOperator(request);
        const body = request.body;
        const requestHash = request.requestHash ?? hashRequest(request.method, request.url, JSON.stringify(body));
        const now = deps.now?.() ?? new Date();
        const response = await idempotent({ pool: deps.pool, clientId: operator.clientId, key: request.headers['idempotency-key'], requestHash }, async (tx) => {
          const startAt = startAtOf(body.startAt, now);
          const { all: _all, ...segment } = body.segment;
          const campaign = await createCampaign(tx, {
            name: body.name,
            text: { ar: body.text.ar, en: body.text.en ?? null },
            segment,
            startAt,
            createdBy: operator.clientId,
            now,
          });
          // The segment itself stays on the campaign row; the audit keeps what an auditor scans for
          // (the size of an account list, not 10,000 account numbers).
          const { accountNos, ...filters } = segment;
          await appendAudit(tx, {
            actor: operator.clientId,
            action: 'campaign.create',
            target: campaign.campaignId,
            detail: {
              name: campaign.name,
              startAt: campaign.startAt,
              segment: { ...filters, ...(accountNos === undefined ? {} : { accountNoCount: accountNos.length }), all: isEmptySegment(segment) },
              languages: body.text.en == null ? ['ar'] : ['ar', 'en'],
            },
            requestId: request.id,
          });
          request.log.info({ campaignId: campaign.campaignId, startAt: campaign.startAt }, 'campaign scheduled');
          return { status: 201, body: campaign, headers: { location: `/v1/campaigns/${campaign.campaignId}` } };
        });
        return sendIdempotent(reply, response);
      },
    );
  };
}

