// The operators' reads of payment intents (the console's "Intents needing a person" and overview):
// counts per status, and the reconciliation queue with the evidence orchestration recorded for each
// intent. The adapter's side of the evidence (its debit record and inquiries) is the adapter's own
// route; the console puts the two together.
import { intentStatuses, money } from '@gateway/contracts';
import type { IntentStatus, Money, QueuedIntent, QueueEntry } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';
import { countIntents, listQueuedIntents, listQueueEntries } from '../store/pg-intent-queue-store.ts';
import type { QueueEntryRow, QueuedIntentRow } from '../store/pg-intent-queue-store.ts';

export type IntentCounts = Record<IntentStatus | 'reconciliation', number>;

/** Every status with its count (0 when none), and the queue's size. */
export async function intentSummary(db: Queryable): Promise<IntentCounts> {
  const { byStatus, reconciliation } = await countIntents(db);
  const counts = Object.fromEntries(intentStatuses.map((s) => [s, byStatus.get(s) ?? 0])) as Record<IntentStatus, number>;
  return { ...counts, reconciliation };
}

export type QueuePosition = { since: string; intentId: string };

const moneyOf = (amount: string | null, currency: string | null): Money | null => (amount === null || currency === null ? null : money(BigInt(amount), currency));

function entryView(e: QueueEntryRow): QueueEntry {
  return {
    channelId: e.channel_id,
    reason: e.reason,
    detail: e.detail,
    status: e.status,
    moneyMoved: e.money_moved,
    channelTxnId: e.channel_txn_id,
    amount: moneyOf(e.amount, e.currency),
    openedAt: e.created_at.toISOString(),
    resolvedAt: e.resolved_at?.toISOString() ?? null,
    resolution: e.resolution,
  };
}

function intentView(r: QueuedIntentRow, entries: QueueEntry[]): QueuedIntent {
  return {
    intentId: r.intent_id,
    known: r.known,
    status: r.status,
    reason: r.reason,
    detail: r.detail ?? '',
    since: r.since.toISOString(),
    amount: moneyOf(r.amount, r.currency),
    fee: moneyOf(r.fee, r.currency),
    channelId: r.channel_id,
    billerId: r.biller_id,
    accountNo: r.account_no,
    payer: r.known ? { msisdn: r.payer_msisdn, accountNo: r.payer_account_no } : null,
    billIds: r.bill_ids,
    createdAt: r.created_at?.toISOString() ?? null,
    expiresAt: r.expires_at?.toISOString() ?? null,
    evidence: {
      lastError:
        r.last_error_reason === null ? null : { reason: r.last_error_reason, message: r.last_error_message ?? '', channelCode: r.last_error_channel_code },
      unknownSince: r.unknown_since?.toISOString() ?? null,
      inquiryAttempts: r.unknown_attempts ?? 0,
      channelRef: r.channel_ref,
      channelTxnId: r.channel_txn_id,
      refundStatus: r.refund_status,
      entries,
    },
  };
}

/** A page of the queue, newest first, and where the next page starts (null on the last). */
export async function reconciliationQueue(
  db: Queryable,
  page: { limit: number; after?: QueuePosition | undefined },
): Promise<{ intents: QueuedIntent[]; next: QueuePosition | null }> {
  const rows = await listQueuedIntents(db, page);
  const shown = rows.slice(0, page.limit);
  const entries = await listQueueEntries(
    db,
    shown.map((r) => r.intent_id),
  );
  const intents = shown.map((r) => intentView(r, entries.filter((e) => e.intent_id === r.intent_id).map(entryView)));
  const last = intents.at(-1);
  return { intents, next: rows.length > page.limit && last !== undefined ? { since: last.since, intentId: last.intentId } : null };
}
