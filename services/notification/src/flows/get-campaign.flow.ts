// One campaign and how far it got (recipients queued, messages by state): the operators' view.
import type { Queryable } from '@gateway/kit';
import { getCampaignProgress } from '../store/pg-campaign-store.ts';
import type { CampaignProgress } from '../store/pg-campaign-store.ts';

export type GetCampaignResult = { kind: 'found'; campaign: CampaignProgress } | { kind: 'not_found' };

export async function getCampaign(ports: { db: Queryable }, campaignId: string): Promise<GetCampaignResult> {
  const campaign = await getCampaignProgress(ports.db, campaignId);
  return campaign === null ? { kind: 'not_found' } : { kind: 'found', campaign };
}
