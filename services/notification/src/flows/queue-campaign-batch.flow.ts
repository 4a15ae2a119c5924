// One batch of a due campaign, in one transaction: claim the campaign row (FOR UPDATE SKIP LOCKED),
// insert the batch's messages, advance the cursor. Replicas therefore share the work without queueing
// a batch twice, and a runner that dies mid-campaign leaves a cursor the next one resumes from. The row
// lock is let go when the batch commits, so a cancel waits for one batch at most, never for a whole
// campaign.
import { withTransaction } from '@gateway/kit';
import type { Pool } from 'pg';
import { claimDueCampaign, queueNextBatch } from '../store/pg-campaign-store.ts';
import type { BatchOutcome } from '../store/pg-campaign-store.ts';

export type QueueCampaignBatchPorts = {
  pool: Pool;
  /** Recipients queued per transaction: small enough that a batch holds its locks briefly. */
  batchSize: number;
  now: () => Date;
};

/** The batch queued, or null when no campaign is due. */
export async function queueCampaignBatch(ports: QueueCampaignBatchPorts): Promise<({ campaignId: string } & BatchOutcome) | null> {
  return withTransaction(ports.pool, async (client) => {
    const now = ports.now();
    const campaignId = await claimDueCampaign(client, now);
    if (campaignId === null) return null;
    return { campaignId, ...(await queueNextBatch(client, campaignId, ports.batchSize, now)) };
  });
}
