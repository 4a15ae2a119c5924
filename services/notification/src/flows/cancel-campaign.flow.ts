// An operator cancels a campaign that has not finished: recipients not yet queued never will be, and
// its queued messages become `suppressed` ('campaign canceled'), in one transaction with the audit row.
// That includes a message a dispatcher has already claimed: the send-sms flow looks at the campaign
// once more right before the message's first part is submitted and sends nothing then; one that was
// past that look is sent and recorded as submitted (it moves out of the suppressed count), because
// the SMSC has it.
//
// Naturally idempotent (the state is the point): canceling a canceled campaign answers it as it is.
// Every attempt is audited, because every operator action is. A completed campaign cannot be canceled:
// refused as invalid_state with details.reason "campaign_completed" (docs/api.md).
import { appendAudit, withTransaction } from '@gateway/kit';
import type { Pool } from 'pg';
import type { CampaignState } from '../domain/campaign.ts';
import * as campaigns from '../store/pg-campaign-store.ts';
import type { CampaignProgress } from '../store/pg-campaign-store.ts';

export type CancelCampaignPorts = { pool: Pool; now: () => Date };

export type CancelCampaignInput = { campaignId: string; operatorId: string; reason: string | null; requestId: string };

export type CancelCampaignResult =
  | { kind: 'canceled'; from: CampaignState; suppressed: number; campaign: CampaignProgress }
  | { kind: 'already_canceled'; campaign: CampaignProgress }
  | { kind: 'not_found' }
  | { kind: 'refused'; code: 'invalid_state'; message: string; details: { reason: 'campaign_completed'; state: 'completed' } };

export async function cancelCampaign(ports: CancelCampaignPorts, input: CancelCampaignInput): Promise<CancelCampaignResult> {
  const { campaignId } = input;
  const now = ports.now();
  const outcome = await withTransaction(ports.pool, async (tx) => {
    const result = await campaigns.cancelCampaign(tx, campaignId, now);
    if (result.kind === 'not_found') return result;
    await appendAudit(tx, {
      actor: input.operatorId,
      action: 'campaign.cancel',
      target: campaignId,
      detail:
        result.kind === 'canceled'
          ? { changed: true, from: result.from, suppressed: result.suppressed, reason: input.reason }
          : { changed: false, state: result.kind === 'completed' ? 'completed' : 'canceled', reason: input.reason },
      requestId: input.requestId,
    });
    return result;
  });
  if (outcome.kind === 'not_found') return outcome;
  if (outcome.kind === 'completed') {
    return {
      kind: 'refused',
      code: 'invalid_state',
      message: `Campaign ${campaignId} has completed: every message was sent, there is nothing to cancel.`,
      details: { reason: 'campaign_completed', state: 'completed' },
    };
  }
  const campaign = await campaigns.getCampaignProgress(ports.pool, campaignId);
  if (campaign === null) throw new Error(`campaign ${campaignId} vanished after its cancel`);
  return outcome.kind === 'canceled' ? { ...outcome, campaign } : { kind: 'already_canceled', campaign };
}
