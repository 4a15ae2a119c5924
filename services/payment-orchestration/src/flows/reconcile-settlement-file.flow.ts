// Matches a channel's settlement file against our ledger when the bank adapter announces it
// (channel.settlement-file-fetched), and stores the day's result with its exceptions. Idempotent per
// stored version of the file: the result already made from that version (or a newer one) is kept; a
// corrected file (a new version) re-runs the match and supersedes the previous result.
import type { EventOf } from '@gateway/contracts';
import type { PoolClient } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import type { SettlementFileSource } from '../clients/settlement-file.client.ts';
import { cutOffOf } from '../domain/catalogues.ts';
import { matchDay, statementLines } from '../domain/reconciliation.ts';
import { findReconciliation, ledgerLines, saveReconciliation } from '../store/pg-reconciliation-store.ts';
import type { IntentTopics } from './intent-change.ts';
import { settleUnknownFromFile } from './reconciliation-actions.flow.ts';
import type { FileActionDeps } from './reconciliation-actions.flow.ts';

/**
 * `catalogues`: each channel's day closes at its cut-off (channels), and our side of its day is dated by
 * it; the unknown intents the file shows debited are settled with them (and `topics`, a test's).
 */
export type ReconcileDeps = {
  settlementFiles: SettlementFileSource;
  catalogues: FileActionDeps['catalogues'];
  topics?: IntentTopics | undefined;
  clock?: () => Date;
};

export type ReconcileOutcome = 'matched' | 'exceptions' | 'unchanged' | 'stale';

/** The currency a day's totals are in when neither side has a row: the scheme's. */
export const DEFAULT_CURRENCY = 'SYP';

export async function reconcileSettlementFile(client: PoolClient, event: EventOf<'channel.settlement-file-fetched'>, deps: ReconcileDeps): Promise<ReconcileOutcome> {
  const { channelId, businessDate } = event.payload;
  const current = await findReconciliation(client, channelId, businessDate, true);
  if (current !== null && (current.file_id === event.payload.fileId || current.fetched_at.getTime() > Date.parse(event.payload.fetchedAt))) return current.file_id === event.payload.fileId ? 'unchanged' : 'stale';
  // The adapter serves its latest version, which may already be newer than this event's: matched as
  // that version, so its own event (when it comes) changes nothing.
  const file = await deps.settlementFiles(event.payload.location);
  if (current !== null && current.file_id === file.fileId) return 'unchanged';
  const theirs = statementLines(file.content);
  const now = (deps.clock ?? (() => new Date()))();
  // The file is the channel's word of record: the unknown intents it shows debited are settled first,
  // so their payments are on our side of the match, not exceptions.
  await settleUnknownFromFile(client, event, theirs, { catalogues: deps.catalogues, topics: deps.topics, now });
  const ours = await ledgerLines(client, channelId, businessDate, { cutOff: cutOffOf(deps.catalogues.channels, channelId), timeZone: deps.catalogues.channels.timezone });
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
    at: now,
  });
  return match.status;
}
