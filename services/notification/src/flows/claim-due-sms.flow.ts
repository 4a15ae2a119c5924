// Takes the next due messages off the queue (urgent first, leased rather than taken: see
// claimDueMessages) and groups them by recipient: the messages of one recipient are sent one after the
// other, never side by side, because two long messages interleaved on one handset under the same 8-bit
// concatenation reference would be stitched together into nonsense.
import type { Pool } from 'pg';
import { claimDueMessages } from '../store/pg-message-store.ts';
import type { ClaimedMessage } from '../store/pg-message-store.ts';

export type ClaimDueSmsPorts = { pool: Pool; leaseMs: number; now: () => Date };

/** Up to `limit` due messages, leased, as one list per recipient. */
export async function claimDueSms(ports: ClaimDueSmsPorts, limit: number): Promise<ClaimedMessage[][]> {
  const claimed = await claimDueMessages(ports.pool, limit, ports.leaseMs, ports.now());
  const byRecipient = new Map<string, ClaimedMessage[]>();
  for (const message of claimed) byRecipient.set(message.recipient, [...(byRecipient.get(message.recipient) ?? []), message]);
  return [...byRecipient.values()];
}
