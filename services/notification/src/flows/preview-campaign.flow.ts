// An operator asks how many people a segment reaches before creating the campaign: the store counts
// it with the same selection a campaign's batches queue by, so the number shown is the number sent
// (on the data of that moment: bills paid or opted out before the start change it). A read: no audit.
import type { Queryable } from '@gateway/kit';
import type { CampaignSegment } from '../domain/campaign.ts';
import * as campaigns from '../store/pg-campaign-store.ts';
import type { SegmentReach } from '../store/pg-campaign-store.ts';

export async function previewCampaign(ports: { db: Queryable }, segment: CampaignSegment): Promise<SegmentReach> {
  return campaigns.previewSegment(ports.db, segment);
}
