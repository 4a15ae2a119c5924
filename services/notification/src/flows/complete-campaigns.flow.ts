// A campaign is completed once it is `sending` (every recipient queued) and none of its messages is
// left queued. Decided here, by the runner, not in the progress read: a GET stays a read (no write, no
// lock, fine on a replica), completed_at is set once by one writer, and a campaign completes whether
// or not anyone looks at it.
import type { Queryable } from '@gateway/kit';
import { completeFinishedCampaigns } from '../store/pg-campaign-store.ts';

/** Marks the finished campaigns completed; returns their ids. */
export async function completeCampaigns(ports: { db: Queryable; now: () => Date }): Promise<string[]> {
  return completeFinishedCampaigns(ports.db, ports.now());
}
