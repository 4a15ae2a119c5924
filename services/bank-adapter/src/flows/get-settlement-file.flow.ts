// A stored settlement statement as fetched (the channel.settlement-file-fetched event's `location`),
// or null when none is stored for that channel and date.
import type { Queryable } from '@gateway/kit';
import { findSettlementFile } from '../store/pg-settlement-file-store.ts';
import type { SettlementFile } from '../store/pg-settlement-file-store.ts';

export async function getSettlementFile(db: Queryable, request: { channelId: string; businessDate: string }): Promise<SettlementFile | null> {
  return findSettlementFile(db, request.channelId, request.businessDate);
}
