// An operator schedules a campaign (a text per language, a segment of the bill contacts, a start
// time): the campaign and its audit row are written in the caller's transaction (the route's
// idempotency key's own, so the three commit together or not at all).
//
// A start time out of range is refused (a value): the caller must then write nothing, so the operator
// corrects the time and may send again under the same key, exactly as for a body the schema refused.
import { appendAudit } from '@gateway/kit';
import type { PoolClient } from 'pg';
import { isEmptySegment } from '../domain/campaign.ts';
import type { CampaignSegment } from '../domain/campaign.ts';
import * as campaigns from '../store/pg-campaign-store.ts';
import type { CampaignProgress } from '../store/pg-campaign-store.ts';

// A few minutes' grace: the dashboard fills startAt with "now" and the request takes a moment (or
// is retried) before it lands.
const maxPastMs = 5 * 60_000;
// Far enough for any planned campaign; farther out, the segment would select from bills that do not
// exist yet, and a typo in the year would otherwise lie in wait for months.
const maxAheadMs = 60 * 24 * 60 * 60_000;

export type ScheduleCampaignPorts = {
  /** The transaction the campaign is written in. */
  tx: PoolClient;
  now: () => Date;
};

export type ScheduleCampaignInput = {
  /** Who acts, for the audit row and createdBy: operatorActor (`operator-console/alice`, or the client alone). */
  operatorId: string;
  requestId: string;
  name: string;
  text: { ar: string; en: string | null };
  segment: CampaignSegment;
  /** When sending may begin (an ISO timestamp); now if left out. */
  startAt: string | undefined;
};

export type ScheduleCampaignResult =
  | { kind: 'scheduled'; campaign: CampaignProgress }
  | { kind: 'refused'; code: 'invalid_request'; message: string; details: { fields: { field: string; problem: string }[] } };

function startAtProblem(startAt: Date, now: Date): string | null {
  return startAt.getTime() < now.getTime() - maxPastMs
    ? 'must not be more than 5 minutes in the past'
    : startAt.getTime() > now.getTime() + maxAheadMs
      ? 'must not be more than 60 days ahead'
      : null;
}

export async function scheduleCampaign(ports: ScheduleCampaignPorts, input: ScheduleCampaignInput): Promise<ScheduleCampaignResult> {
  const now = ports.now();
  const startAt = input.startAt === undefined ? now : new Date(input.startAt);
  const problem = input.startAt === undefined ? null : startAtProblem(startAt, now);
  if (problem !== null) {
    return { kind: 'refused', code: 'invalid_request', message: `Invalid request: body.startAt: ${problem}`, details: { fields: [{ field: 'body.startAt', problem }] } };
  }
  const { segment } = input;
  const campaign = await campaigns.createCampaign(ports.tx, { name: input.name, text: input.text, segment, startAt, createdBy: input.operatorId, now });
  // The segment itself stays on the campaign row; the audit keeps what an auditor scans for
  // (the size of an account list, not 10,000 account numbers).
  const { accountNos, ...filters } = segment;
  await appendAudit(ports.tx, {
    actor: input.operatorId,
    action: 'campaign.create',
    target: campaign.campaignId,
    detail: {
      name: campaign.name,
      startAt: campaign.startAt,
      segment: { ...filters, ...(accountNos === undefined ? {} : { accountNoCount: accountNos.length }), all: isEmptySegment(segment) },
      languages: input.text.en === null ? ['ar'] : ['ar', 'en'],
    },
    requestId: input.requestId,
  });
  return { kind: 'scheduled', campaign };
}
