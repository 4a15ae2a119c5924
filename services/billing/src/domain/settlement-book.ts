// The rows settlement reads and writes, as they stand inside one batch's transaction. The store loads
// them once for every bill and payment the batch names (store/pg-settlement-store.ts), the events
// change them here in offset order (flows/apply-payment.flow.ts, flows/apply-reversal.flow.ts), and
// the store writes what changed back with one statement per table. Each operation below does what
// the one-row SQL statement of the same name did when every event had its own transaction (the same
// keys, the same "ON CONFLICT DO NOTHING", the same "WHERE resolved_at IS NULL"), so a later event of
// the batch sees what an earlier one did, and a batch ends where its events one at a time would.
import type { EventEnvelope, Money } from '@gateway/contracts';
import type { AccountRecord, BillRecord } from './bill-records.ts';
import type { Quote, UnappliedReason } from './bill-settlement.ts';
import type { BillState } from './bill-state.ts';

export type LockedBill = { bill: BillRecord; account: AccountRecord };

/** A payment's row on a bill (bill_payments, kind 'payment'): what a reversal of it mirrors. */
export type AppliedPayment = { amount: number; applied: number; waivedLateFee: number; appliedWaiver: number; currency: string };

/** A payment standing on a bill (applied something, not reversed); `at` in microseconds, as Postgres orders it. */
export type LivePayment = { paymentId: string; at: bigint };

export type StoredUnapplied = { id: string; paymentId: string; billId: string; kind: 'payment' | 'reversal'; reason: UnappliedReason; open: boolean };

/** What a batch reads before its first event: the bills locked, and the rows of every (payment, bill) it names. */
export type SettlementFacts = {
  bills: ReadonlyMap<string, LockedBill>;
  /** bill_payments rows of kind 'payment', by pairKey. */
  payments: ReadonlyMap<string, AppliedPayment>;
  /** bill_payments rows of kind 'reversal', by pairKey. */
  reversals: ReadonlySet<string>;
  unapplied: readonly StoredUnapplied[];
  /** By bill: the payments standing on it. */
  livePayments: ReadonlyMap<string, readonly LivePayment[]>;
  /** Bills an overdue notice was ever sent for. */
  overdueNotices: ReadonlySet<string>;
  /** Late fees applied after a quote, by quoteKey. */
  feesAfterQuote: ReadonlyMap<string, Money>;
};

export type NewBillPayment = AppliedPayment & {
  paymentId: string;
  billId: string;
  kind: 'payment' | 'reversal';
  eventId: string;
  reversalId: string | null;
  occurredAt: string;
  quote: Quote | undefined;
  /** The channel the payment came through (payment.completed's channelId); a reversal row carries its payment's. */
  channelId: string;
  /** payment.completed's receiptNo (a fee order shows it once paid); null on a reversal row. */
  receiptNo: string | null;
};

export type Resolution = { at: Date; resolution: string };

export type NewUnapplied = {
  paymentId: string;
  billId: string;
  accountNo: string;
  kind: 'payment' | 'reversal';
  reason: UnappliedReason;
  amount: Money;
  eventId: string;
  occurredAt: string;
  /** Set for a row that is no news (recorded already resolved), or resolved later in the same batch. */
  resolved?: Resolution | undefined;
};

export type StateChange = { cause: 'payment' | 'reversal'; causeId: string; at: Date };

export type HistoryLine = { billId: string; state: BillState; change: StateChange };

/** What the batch changed, in the order it happened: written back by the store. */
export type SettlementWrites = {
  /** The last state of each bill that changed. */
  bills: BillRecord[];
  history: HistoryLine[];
  payments: NewBillPayment[];
  unapplied: NewUnapplied[];
  /** Rows stored before the batch that it resolved. */
  resolved: (Resolution & { id: string })[];
  events: EventEnvelope[];
};

export function pairKey(paymentId: string, billId: string): string {
  return `${paymentId}\n${billId}`;
}

export function quoteKey(billId: string, quotedAt: string, currency: string): string {
  return `${billId}\n${quotedAt}\n${currency}`;
}

/**
 * An RFC 3339 UTC timestamp in microseconds since the epoch, rounded to the microsecond as Postgres
 * stores a timestamptz, so payments recorded in this batch sort among stored ones as Postgres sorts them.
 */
export function instantMicros(iso: string): bigint {
  const match = /^(.*?)(?:\.(\d+))?Z$/i.exec(iso);
  const seconds = Date.parse(`${match?.[1] ?? iso}Z`);
  if (!Number.isFinite(seconds)) throw new Error(`not a timestamp: ${iso}`);
  const fraction = Math.round(Number(`0.${match?.[2] ?? '0'}`) * 1_000_000);
  return BigInt(seconds) * 1000n + BigInt(fraction);
}

type UnappliedEntry = { paymentId: string; billId: string; kind: 'payment' | 'reversal'; open: boolean; storedId?: string; added?: NewUnapplied };

function byInstant(a: LivePayment, b: LivePayment): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  return a.paymentId < b.paymentId ? -1 : a.paymentId > b.paymentId ? 1 : 0;
}

export class SettlementBook {
  private readonly bills: Map<string, LockedBill>;
  private readonly payments: Map<string, AppliedPayment>;
  private readonly reversals: Set<string>;
  private readonly unapplied = new Map<string, UnappliedEntry>();
  private readonly live: Map<string, LivePayment[]>;
  private readonly facts: SettlementFacts;
  private readonly changed = new Set<string>();
  private readonly out: Omit<SettlementWrites, 'bills'> = { history: [], payments: [], unapplied: [], resolved: [], events: [] };

  constructor(facts: SettlementFacts) {
    this.facts = facts;
    this.bills = new Map(facts.bills);
    this.payments = new Map(facts.payments);
    this.reversals = new Set(facts.reversals);
    this.live = new Map([...facts.livePayments].map(([billId, list]) => [billId, [...list]]));
    for (const row of facts.unapplied) {
      this.unapplied.set(this.unappliedKey(row.paymentId, row.billId, row.kind, row.reason), { ...row, storedId: row.id });
    }
  }

  private unappliedKey(paymentId: string, billId: string, kind: string, reason: string): string {
    return `${pairKey(paymentId, billId)}\n${kind}\n${reason}`;
  }

  /** The bill with its account as this batch has left it so far; undefined for a bill that does not exist. */
  bill(billId: string): LockedBill | undefined {
    return this.bills.get(billId);
  }

  /** Records money that did not reach a bill; a row recorded already (same key) stays as it is. */
  recordUnapplied(row: NewUnapplied): void {
    const key = this.unappliedKey(row.paymentId, row.billId, row.kind, row.reason);
    if (this.unapplied.has(key)) return;
    const added = { ...row };
    this.unapplied.set(key, { paymentId: row.paymentId, billId: row.billId, kind: row.kind, open: row.resolved === undefined, added });
    this.out.unapplied.push(added);
  }

  /** Resolves the open rows of this payment, bill and kind; true when there was any. */
  private resolveOpen(paymentId: string, billId: string, kind: 'payment' | 'reversal', resolution: Resolution): boolean {
    let any = false;
    for (const entry of this.unapplied.values()) {
      if (!entry.open || entry.kind !== kind || entry.paymentId !== paymentId || entry.billId !== billId) continue;
      entry.open = false;
      any = true;
      if (entry.added) entry.added.resolved = resolution;
      else if (entry.storedId !== undefined) this.out.resolved.push({ id: entry.storedId, ...resolution });
    }
    return any;
  }

  /** Resolves the open "reversal without payment" row of this payment and bill, if there is one. */
  resolveUnappliedReversal(paymentId: string, billId: string, at: Date, resolution: string): void {
    this.resolveOpen(paymentId, billId, 'reversal', { at, resolution });
  }

  /** Resolves what of this payment sat unapplied on this bill as reversed; true when there was any. */
  resolveUnappliedPayment(paymentId: string, billId: string, at: Date, reversalId: string): boolean {
    return this.resolveOpen(paymentId, billId, 'payment', { at, resolution: `payment reversed: ${reversalId}` });
  }

  /**
   * The bills among `billIds` whose share of this payment was reversed before the payment itself was
   * applied: a reversal recorded as unapplied, or (which the payment key stops anyway) a reversal row
   * with no payment row beside it.
   */
  reversedBeforeApplied(paymentId: string, billIds: readonly string[]): Set<string> {
    const reversed = new Set<string>();
    for (const billId of billIds) {
      const pair = pairKey(paymentId, billId);
      if (this.reversals.has(pair) && !this.payments.has(pair)) reversed.add(billId);
    }
    for (const entry of this.unapplied.values()) {
      if (entry.kind === 'reversal' && entry.paymentId === paymentId && billIds.includes(entry.billId)) reversed.add(entry.billId);
    }
    return reversed;
  }

  hasOverdueNotice(billId: string): boolean {
    return this.facts.overdueNotices.has(billId);
  }

  /** The late fees billing applied to the bill after `instant` (a quote's time), in the bill's currency. */
  lateFeesAppliedAfter(billId: string, instant: string, currency: Money['currency']): Money {
    const fees = this.facts.feesAfterQuote.get(quoteKey(billId, instant, currency));
    if (fees === undefined) throw new Error(`late fees after the quote of ${billId} at ${instant} were not loaded`);
    return fees;
  }

  /** The payments applied to the bill and not reversed, oldest first. */
  livePaymentIds(billId: string): string[] {
    return [...(this.live.get(billId) ?? [])].sort(byInstant).map((p) => p.paymentId);
  }

  /** Records a payment applied to a bill; false when this payment was applied to it already (the key). */
  insertBillPayment(p: Omit<NewBillPayment, 'kind' | 'reversalId'>): boolean {
    const pair = pairKey(p.paymentId, p.billId);
    if (this.payments.has(pair)) return false;
    const { amount, applied, waivedLateFee, appliedWaiver, currency } = p;
    this.payments.set(pair, { amount, applied, waivedLateFee, appliedWaiver, currency });
    this.out.payments.push({ ...p, kind: 'payment', reversalId: null });
    if (applied > 0 && !this.reversals.has(pair)) {
      const list = this.live.get(p.billId) ?? [];
      list.push({ paymentId: p.paymentId, at: instantMicros(p.occurredAt) });
      this.live.set(p.billId, list);
    }
    return true;
  }

  /** The row of this payment applied to this bill, if it was. */
  findBillPayment(paymentId: string, billId: string): AppliedPayment | undefined {
    return this.payments.get(pairKey(paymentId, billId));
  }

  /** Records a reversal mirroring its payment's row; false when it was recorded already (the key). */
  insertBillReversal(r: { paymentId: string; billId: string; original: AppliedPayment; eventId: string; reversalId: string; occurredAt: string; channelId: string }): boolean {
    const pair = pairKey(r.paymentId, r.billId);
    if (this.reversals.has(pair)) return false;
    this.reversals.add(pair);
    this.out.payments.push({
      ...r.original,
      paymentId: r.paymentId,
      billId: r.billId,
      kind: 'reversal',
      eventId: r.eventId,
      reversalId: r.reversalId,
      occurredAt: r.occurredAt,
      quote: undefined,
      channelId: r.channelId,
      receiptNo: null,
    });
    const list = this.live.get(r.billId);
    if (list) this.live.set(r.billId, list.filter((p) => p.paymentId !== r.paymentId));
    return true;
  }

  /** The new amounts, status and revision of a locked bill, and a line of its history. */
  saveBillState(bill: BillRecord, state: BillState, change: StateChange): BillRecord {
    const locked = this.bills.get(bill.billId);
    if (!locked) throw new Error(`bill ${bill.billId} is not locked by this batch`);
    const updated = { ...bill, paidAmount: state.paidAmount, lateFee: state.lateFee, status: state.status, revision: state.revision, updatedAt: change.at };
    this.bills.set(bill.billId, { ...locked, bill: updated });
    this.changed.add(bill.billId);
    this.out.history.push({ billId: bill.billId, state, change });
    return updated;
  }

  enqueue(event: EventEnvelope): void {
    this.out.events.push(event);
  }

  writes(): SettlementWrites {
    const bills = [...this.changed].map((billId) => (this.bills.get(billId) as LockedBill).bill);
    return { ...this.out, bills };
  }
}
