// Campaigns, newest first, with their progress, a page at a time (after the position the previous
// page ended at).
import type { Queryable } from '@gateway/kit';
import * as campaigns from '../store/pg-campaign-store.ts';
import type { CampaignPage, CampaignPosition } from '../store/pg-campaign-store.ts';

export async function listCampaigns(ports: { db: Queryable }, page: { limit: number; after?: CampaignPosition | undefined }): Promise<CampaignPage> {
  return campaigns.listCampaigns(ports.db, page);
}
