// Matches a channel's settlement file against our ledger when the bank adapter announces it
// (channel.settlement-file-fetched), and stores the day's result with its exceptions. Idempotent per
// stored version of the file: the result already made from that version (or a newer one) is kept; a
// corrected file (a new version) re-runs the match and supersedes the previous result.
import type { EventOf } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';
import { v7 as uuidv7 } from 'uuid';
import type { SettlementFileSource } from '../clients/settlement-file.client.ts';
import { cutOffOf } from '../domain/catalogues.ts';
import type { ChannelCatalogue } from '../domain/catalogues.ts';
import { matchDay, statementLines } from '../domain/reconciliation.ts';
import { findReconciliation, ledgerLines, saveReconciliation } from '../store/pg-reconciliation-store.ts';

/** `channels`: each channel's day closes at its cut-off, and our side of its day is dated by it. */
export type ReconcileDeps = { settlementFiles: SettlementFileSource; channels: ChannelCatalogue; clock?: () => Date };

export type ReconcileOutcome = 'matched' | 'exceptions' | 'unchanged' | 'stale';

/** The currency a day's totals are in when neither side has a row: the scheme's. */
export const DEFAULT_CURRENCY = 'SYP';

export async function reconcileSettlementFile(client: Queryable, event: EventOf<'channel.settlement-file-fetched'>, deps: ReconcileDeps): Promise<ReconcileOutcome> {
  const { channelId, businessDate } = event.payload;
  const current = await findReconciliation(client, channelId, businessDate, true);
  if (current !== null && (current.file_id === event.payload.fileId || current.fetched_at.getTime() > Date.parse(event.payload.fetchedAt))) return current.file_id === event.payload.fileId ? 'unchanged' : 'stale';
  // The adapter serves its latest version, which may already be newer than this event's: matched as
  // that version, so its own event (when it comes) changes nothing.
  const file = await deps.settlementFiles(event.payload.location);
  if (current !== null && current.file_id === file.fileId) return 'unchanged';
  const theirs = statementLines(file.content);
  const ours = await ledgerLines(client, channelId, businessDate, { cutOff: cutOffOf(deps.channels, channelId), timeZone: deps.channels.timezone });
  const match = matchDay(ours, theirs);
  await saveReconciliation(client, {
    channelId,
    businessDate,
    fileId: file.fileId,
    sha256: file.sha256,
    fetchedAt: file.fetchedAt,
    status: match.status,
    currency: theirs[0]?.currency ?? ours[0]?.currency ?? DEFAULT_CURRENCY,
    ours: match.ours,
    theirs: match.theirs,
    exceptions: match.exceptions.map((e) => ({ ...e, exceptionId: `rex_${uuidv7()}` })),
    at: (deps.clock ?? (() => new Date()))(),
  });
  return match.status;
}
