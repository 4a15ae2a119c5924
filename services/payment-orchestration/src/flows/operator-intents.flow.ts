// The operators' reads of payment intents (the console's "Intents needing a person" and overview):
// counts per status, and the reconciliation queue with the evidence orchestration recorded for each
// intent. The adapter's side of the evidence (its debit record and inquiries) is the adapter's own
// route; the console puts the two together.
import { intentStatuses, money } from '@gateway/contracts';
import type { CurrencyCode, IntentStatus, Money } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';
import type { ReconciliationReason } from '../domain/intent-state.ts';
import { countIntents, listQueuedIntents, listQueueEntries } from '../store/pg-intent-queue-store.ts';
import type { QueueEntryRow, QueuedIntentRow } from '../store/pg-intent-queue-store.ts';

export type IntentCounts = Record<IntentStatus | 'reconciliation', number>;

/** Every status with its count (0 when none), and the queue's size. */
export async function intentSummary(db: Queryable): Promise<IntentCounts> {
  const { byStatus, reconciliation } = await countIntents(db);
  const counts = Object.fromEntries(intentStatuses.map((s) => [s, byStatus.get(s) ?? 0])) as Record<IntentStatus, number>;
  return { ...counts, reconciliation };
}

export type QueueEntryView = {
  reason: string;
  detail: string;
  status: string | null;
  moneyMoved: 'yes' | 'unknown';
  channelTxnId: string | null;
  amount: Money | null;
  openedAt: string;
  resolvedAt: string | null;
  resolution: string | null;
};

export type QueuedIntentView = {
  intentId: string;
  status: IntentStatus;
  reason: ReconciliationReason;
  detail: string;
  since: string;
  amount: Money;
  fee: Money;
  channelId: string;
  billerId: string;
  accountNo: string;
  payer: { msisdn: string | null; accountNo: string | null };
  billIds: string[];
  createdAt: string;
  expiresAt: string;
  evidence: {
    /** The last failure or doubt the channel's results carried (through the adapter). */
    lastError: { reason: string; message: string; channelCode: string | null } | null;
    unknownSince: string | null;
    /** Status inquiries the adapter reported having made. */
    inquiryAttempts: number;
    channelRef: string | null;
    channelTxnId: string | null;
    refundStatus: string | null;
    /** Every queue entry of this intent, oldest first, resolved ones too. */
    entries: QueueEntryView[];
  };
};

export type QueuePosition = { since: string; intentId: string };

function entryView(e: QueueEntryRow): QueueEntryView {
  return {
    reason: e.reason,
    detail: e.detail,
    status: e.status,
    moneyMoved: e.money_moved,
    channelTxnId: e.channel_txn_id,
    amount: e.amount === null || e.currency === null ? null : money(BigInt(e.amount), e.currency),
    openedAt: e.created_at.toISOString(),
    resolvedAt: e.resolved_at?.toISOString() ?? null,
    resolution: e.resolution,
  };
}

function intentView(r: QueuedIntentRow, entries: QueueEntryView[]): QueuedIntentView {
  const currency = r.currency as CurrencyCode;
  return {
    intentId: r.intent_id,
    status: r.status,
    reason: r.reconciliation_reason,
    detail: r.reconciliation_detail ?? '',
    since: r.reconciliation_since.toISOString(),
    amount: money(BigInt(r.amount), currency),
    fee: money(BigInt(r.fee), currency),
    channelId: r.channel_id,
    billerId: r.biller_id,
    accountNo: r.account_no,
    payer: { msisdn: r.payer_msisdn, accountNo: r.payer_account_no },
    billIds: r.bill_ids,
    createdAt: r.created_at.toISOString(),
    expiresAt: r.expires_at.toISOString(),
    evidence: {
      lastError:
        r.last_error_reason === null ? null : { reason: r.last_error_reason, message: r.last_error_message ?? '', channelCode: r.last_error_channel_code },
      unknownSince: r.unknown_since?.toISOString() ?? null,
      inquiryAttempts: r.unknown_attempts,
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
): Promise<{ intents: QueuedIntentView[]; next: QueuePosition | null }> {
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
