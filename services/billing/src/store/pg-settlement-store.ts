// Applies payment.completed and payment.reversed to bills, inside the consumer's inbox transaction.
// Every anomaly (an unknown bill, an over-payment, another currency, a voided bill, a reversal of a
// payment we never applied) is a value: it is recorded in billing_unapplied_payments and reported,
// and the event still commits. Throwing would only retry the same facts five times and dead-letter a
// payment whose other allocations were fine; money already moved, so billing must record it, not refuse it.
//
// Order: a reversal may reach billing before its payment (the payment dead-lettered and replayed
// later, or the two events reordered). The reversal then finds nothing to undo and is recorded as
// 'reversal_without_payment'; that record is what the late payment looks for, and finding it, the
// payment is not applied (reason 'already_reversed'): the channel has given the money back already.
//
// Waivers: an allocation may carry waivedLateFee, the late fee orchestration forgave because the
// channel paid an inquiry quote honoured across a fee that landed after it. It comes off the bill's
// late fee after the money (so the quoted payment settles the bill and the line is restored), is
// recorded on the payment's bill_payments row (the same key keeps it to one application), and a
// reversal reinstates exactly what that row says was waived, whatever its own event carries.
//
// Quotes: an allocation paid against a bill inquiry carries the quote (amount due, quotedAt). Billing
// then decides the waiver itself, from its own late_fees: the fees applied after quotedAt are forgiven
// when the payment pays the whole quoted amount. Orchestration's waivedLateFee is not used then: its
// copy of the bill may lag billing both ways (not yet seen a fee applied after the quote, so it
// waived nothing; or seen only after the quote a fee applied before it, which is not to be forgiven).
import { createEvent, isPositive, money } from '@gateway/contracts';
import type { EventOf, Money } from '@gateway/contracts';
import { enqueueEvent } from '@gateway/kit';
import type { PoolClient } from 'pg';
import type { BillRecord } from '../domain/bill-records.ts';
import { toBillSnapshot } from '../domain/bill-snapshot.ts';
import { lateFeeForgivenByQuote } from '../domain/amount-due.ts';
import { applyPayment, applyReversal, isAdministrativelyClosed } from '../domain/bill-state.ts';
import { businessDateOf } from '@gateway/contracts';
import type { LateFeePolicy } from '../domain/late-fee-policy.ts';
import { serviceName } from '../service-name.ts';
import type { BillWithAccount } from './pg-bill-state-store.ts';
import { lockBills, saveBillState } from './pg-bill-state-store.ts';

export type UnappliedReason = 'unknown_bill' | 'overpayment' | 'currency_mismatch' | 'bill_closed' | 'reversal_without_payment' | 'already_reversed';

export type Unapplied = { billId: string; reason: UnappliedReason; amount: Money };

export type SettlementReport = {
  /** Bills this event brought to zero due (bill.settled emitted). */
  settled: string[];
  /** Bills paid in part (nothing emitted: the payment side knows its own payments). */
  partial: string[];
  /** Bills a reversal made payable again (bill.reopened emitted). */
  reopened: string[];
  /** Bills this payment or reversal had already been applied to under another event id. */
  alreadyApplied: string[];
  unapplied: Unapplied[];
};

export type SettlementContext = { policy: LateFeePolicy; now: Date };

type Quote = { amountDue: Money; quotedAt: string };

type Allocated = { billId: string; amount: Money; waivedLateFee: Money; quote?: Quote | undefined };

// A waiver in another currency than its allocation forgives nothing: no fee of the bill can be
// compared with it, and guessing a rate is not billing's to do (the money still applies).
function waiverOf(a: { amount: Money; waivedLateFee?: Money | undefined }): number {
  return a.waivedLateFee !== undefined && a.waivedLateFee.currency === a.amount.currency ? a.waivedLateFee.amount : 0;
}

// One payment may name a bill twice (two lines of a bulk payment); apply the sum once, in bill order.
// A bill has one quote per inquiry, so two lines of one bill carry the same one: the first is kept.
function byBill(allocations: readonly { billId: string; amount: Money; waivedLateFee?: Money | undefined; quote?: Quote | undefined }[]): Allocated[] {
  const sums = new Map<string, Allocated>();
  for (const a of allocations) {
    const prev = sums.get(a.billId);
    sums.set(
      a.billId,
      prev
        ? {
            billId: a.billId,
            amount: money(prev.amount.amount + a.amount.amount, a.amount.currency),
            waivedLateFee: money(prev.waivedLateFee.amount + waiverOf(a), a.amount.currency),
            quote: prev.quote ?? a.quote,
          }
        : { billId: a.billId, amount: a.amount, waivedLateFee: money(waiverOf(a), a.amount.currency), quote: a.quote },
    );
  }
  return [...sums.values()].sort((x, y) => (x.billId < y.billId ? -1 : x.billId > y.billId ? 1 : 0));
}

function emptyReport(): SettlementReport {
  return { settled: [], partial: [], reopened: [], alreadyApplied: [], unapplied: [] };
}

type PaymentEventBase = { eventId: string; correlationId: string; payload: { paymentId: string; accountNo: string } };

/**
 * Where a payment and its reversal both start: the allocations summed per bill and those bills
 * locked before anything of theirs is read.
 */
async function lockAllocations(
  client: PoolClient,
  raw: Parameters<typeof byBill>[0],
): Promise<{ allocations: Allocated[]; locked: Map<string, BillWithAccount> }> {
  const allocations = byBill(raw);
  return { allocations, locked: await lockBills(client, allocations.map((a) => a.billId)) };
}

// The envelope of a bill event caused by a payment event: keyed by the account, so one account's
// bill events stay in order.
function billEventEnvelope(bill: BillRecord, cause: PaymentEventBase): { producer: string; key: string; correlationId: string; causationId: string } {
  return { producer: serviceName, key: bill.accountNo, correlationId: cause.correlationId, causationId: cause.eventId };
}

async function recordUnapplied(
  client: PoolClient,
  event: PaymentEventBase,
  kind: 'payment' | 'reversal',
  item: Unapplied,
  occurredAt: string,
  /** Null for a row that is no news: recorded already resolved, nothing for operators. */
  report: SettlementReport | null,
  resolved?: { at: Date; resolution: string },
): Promise<void> {
  await client.query(
    `INSERT INTO billing_unapplied_payments (payment_id, bill_id, account_no, kind, reason, amount, currency, event_id, occurred_at, resolved_at, resolution)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
    [
      event.payload.paymentId,
      item.billId,
      event.payload.accountNo,
      kind,
      item.reason,
      item.amount.amount,
      item.amount.currency,
      event.eventId,
      occurredAt,
      resolved?.at ?? null,
      resolved?.resolution ?? null,
    ],
  );
  report?.unapplied.push(item);
}

/**
 * The bills among `billIds` whose share of this payment was reversed before the payment itself was
 * applied: the reversal found nothing to undo and was recorded as unapplied. (A reversal of an
 * applied payment sits in bill_payments beside the payment row, whose key already stops a second
 * application; it is matched here too so the rule does not hang on that.)
 */
async function reversedBeforeApplied(client: PoolClient, paymentId: string, billIds: readonly string[]): Promise<Set<string>> {
  if (billIds.length === 0) return new Set();
  const { rows } = await client.query<{ bill_id: string }>(
    `SELECT bill_id FROM billing_unapplied_payments WHERE payment_id = $1 AND bill_id = ANY($2::text[]) AND kind = 'reversal'
     UNION
     SELECT r.bill_id FROM bill_payments r
     WHERE r.payment_id = $1 AND r.bill_id = ANY($2::text[]) AND r.kind = 'reversal'
       AND NOT EXISTS (SELECT 1 FROM bill_payments p WHERE p.payment_id = r.payment_id AND p.bill_id = r.bill_id AND p.kind = 'payment')`,
    [paymentId, billIds],
  );
  return new Set(rows.map((r) => r.bill_id));
}

async function wasOverdue(client: PoolClient, bill: BillRecord): Promise<boolean> {
  if (bill.status === 'overdue') return true;
  // A bill paid in part after its cut-off is still suspended even if its status moved on.
  const { rowCount } = await client.query('SELECT 1 FROM bill_overdue_notices WHERE bill_id = $1 LIMIT 1', [bill.billId]);
  return (rowCount ?? 0) > 0;
}

/** The late fees billing applied to the bill after `instant` (a quote's time), in the bill's currency. */
async function lateFeesAppliedAfter(client: PoolClient, billId: string, instant: string, currency: Money['currency']): Promise<Money> {
  const { rows } = await client.query<{ total: string }>(
    `SELECT COALESCE(sum(amount), 0) AS total FROM late_fees WHERE bill_id = $1 AND applied_at > $2 AND currency = $3`,
    [billId, instant, currency],
  );
  return money(Number(rows[0]?.total ?? 0), currency);
}

/** The waiver billing grants a payment's allocation: by its quote when it has one, else what the event carried. */
async function waiverAskedBy(client: PoolClient, allocation: Allocated): Promise<Money> {
  const { quote } = allocation;
  if (quote === undefined) return allocation.waivedLateFee;
  const feesAfterQuote = await lateFeesAppliedAfter(client, allocation.billId, quote.quotedAt, allocation.amount.currency);
  return lateFeeForgivenByQuote({ paid: allocation.amount, quotedDue: quote.amountDue, feesAfterQuote });
}

async function livePaymentIds(client: PoolClient, billId: string): Promise<string[]> {
  const { rows } = await client.query<{ payment_id: string }>(
    `SELECT p.payment_id FROM bill_payments p
     WHERE p.bill_id = $1 AND p.kind = 'payment' AND p.applied_amount > 0
       AND NOT EXISTS (SELECT 1 FROM bill_payments r WHERE r.bill_id = p.bill_id AND r.payment_id = p.payment_id AND r.kind = 'reversal')
     ORDER BY p.occurred_at, p.payment_id`,
    [billId],
  );
  return rows.map((r) => r.payment_id);
}

export async function settlePayment(client: PoolClient, event: EventOf<'payment.completed'>, ctx: SettlementContext): Promise<SettlementReport> {
  const { payload } = event;
  const report = emptyReport();
  const { allocations, locked } = await lockAllocations(client, payload.allocations);
  const today = businessDateOf(ctx.now);
  // Read after the bills are locked: a reversal of this payment being recorded right now holds the
  // same locks, so it is either committed and seen here, or it will find this payment applied.
  const reversed = await reversedBeforeApplied(
    client,
    payload.paymentId,
    allocations.map((a) => a.billId),
  );
  for (const allocation of allocations) {
    if (reversed.has(allocation.billId)) {
      // Kept for the audit trail, resolved at once: nothing is owed either way. The reversal's own
      // "without payment" question is answered too: its payment did come, late.
      const resolution = `payment arrived after its reversal: not applied (event ${event.eventId})`;
      await client.query(
        `UPDATE billing_unapplied_payments SET resolved_at = $3, resolution = $4
         WHERE payment_id = $1 AND bill_id = $2 AND kind = 'reversal' AND resolved_at IS NULL`,
        [payload.paymentId, allocation.billId, ctx.now, resolution],
      );
      await recordUnapplied(client, event, 'payment', { billId: allocation.billId, reason: 'already_reversed', amount: allocation.amount }, payload.paidAt, report, {
        at: ctx.now,
        resolution,
      });
      continue;
    }
    const found = locked.get(allocation.billId);
    if (!found) {
      await recordUnapplied(client, event, 'payment', { billId: allocation.billId, reason: 'unknown_bill', amount: allocation.amount }, payload.paidAt, report);
      continue;
    }
    const { bill, account } = found;
    if (bill.amount.currency !== allocation.amount.currency) {
      await recordUnapplied(client, event, 'payment', { billId: bill.billId, reason: 'currency_mismatch', amount: allocation.amount }, payload.paidAt, report);
      continue;
    }
    const waiver = await waiverAskedBy(client, allocation);
    const outcome = applyPayment(bill, allocation.amount, today, waiver);
    const inserted = await client.query(
      `INSERT INTO bill_payments (payment_id, bill_id, kind, amount, applied_amount, waived_late_fee, applied_waiver, currency, event_id, occurred_at,
         quoted_at, quoted_amount_due)
       VALUES ($1, $2, 'payment', $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
      [
        payload.paymentId,
        bill.billId,
        allocation.amount.amount,
        outcome.applied.amount,
        waiver.amount,
        outcome.waived.amount,
        allocation.amount.currency,
        event.eventId,
        payload.paidAt,
        allocation.quote?.quotedAt ?? null,
        allocation.quote?.amountDue.amount ?? null,
      ],
    );
    if (inserted.rowCount !== 1) {
      report.alreadyApplied.push(bill.billId);
      continue;
    }
    if (isPositive(outcome.excess)) {
      const reason = isAdministrativelyClosed(bill.status) ? 'bill_closed' : 'overpayment';
      await recordUnapplied(client, event, 'payment', { billId: bill.billId, reason, amount: outcome.excess }, payload.paidAt, report);
    }
    if (!isPositive(outcome.applied)) continue;
    const restoreService = outcome.settled && (await wasOverdue(client, bill));
    const updated = await saveBillState(client, bill, outcome.state, { cause: 'payment', causeId: payload.paymentId, at: ctx.now });
    if (outcome.settled) {
      await enqueueEvent(
        client,
        createEvent('bill.settled', {
          ...billEventEnvelope(bill, event),
          payload: {
            ...toBillSnapshot(updated, account, ctx.policy, ctx.now),
            settledAt: ctx.now.toISOString(),
            paymentIds: await livePaymentIds(client, bill.billId),
            restoreService,
          },
        }),
      );
      report.settled.push(bill.billId);
    } else {
      report.partial.push(bill.billId);
    }
  }
  return report;
}

type PaymentRow = { amount: number; applied_amount: number; waived_late_fee: number; applied_waiver: number; currency: string };

export async function reversePayment(client: PoolClient, event: EventOf<'payment.reversed'>, ctx: SettlementContext): Promise<SettlementReport> {
  const { payload } = event;
  const report = emptyReport();
  const { allocations, locked } = await lockAllocations(client, payload.allocations);
  const today = businessDateOf(ctx.now);
  for (const allocation of allocations) {
    // Whatever of this payment sat unapplied (an over-payment, an unknown bill) went back to the payer.
    const resolved = await client.query(
      `UPDATE billing_unapplied_payments SET resolved_at = $3, resolution = 'payment reversed: ' || $4
       WHERE payment_id = $1 AND bill_id = $2 AND kind = 'payment' AND resolved_at IS NULL`,
      [payload.paymentId, allocation.billId, ctx.now, payload.reversalId],
    );
    const found = locked.get(allocation.billId);
    const original = found
      ? (
          await client.query<PaymentRow>(
            `SELECT amount, applied_amount, waived_late_fee, applied_waiver, currency FROM bill_payments
             WHERE payment_id = $1 AND bill_id = $2 AND kind = 'payment'`,
            [payload.paymentId, allocation.billId],
          )
        ).rows[0]
      : undefined;
    if (!found || !original) {
      // Nothing of it reached the bill: fine when it sat unapplied (recorded resolved), a question for
      // operators otherwise. Recorded either way, so every reversal leaves a row (here or in
      // bill_payments) that stops its payment being applied should it come (again) later.
      const satUnapplied = (resolved.rowCount ?? 0) > 0;
      await recordUnapplied(
        client,
        event,
        'reversal',
        { billId: allocation.billId, reason: 'reversal_without_payment', amount: allocation.amount },
        payload.reversedAt,
        satUnapplied ? null : report,
        satUnapplied ? { at: ctx.now, resolution: `its payment sat unapplied and went back with it: ${payload.reversalId}` } : undefined,
      );
      continue;
    }
    const { bill, account } = found;
    // The reversal row mirrors the payment row, waiver included: what was forgiven is owed again.
    const inserted = await client.query(
      `INSERT INTO bill_payments (payment_id, bill_id, kind, amount, applied_amount, waived_late_fee, applied_waiver, currency, event_id, reversal_id, occurred_at)
       VALUES ($1, $2, 'reversal', $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
      [
        payload.paymentId,
        bill.billId,
        original.amount,
        original.applied_amount,
        original.waived_late_fee,
        original.applied_waiver,
        original.currency,
        event.eventId,
        payload.reversalId,
        payload.reversedAt,
      ],
    );
    if (inserted.rowCount !== 1) {
      report.alreadyApplied.push(bill.billId);
      continue;
    }
    const applied = money(original.applied_amount, original.currency.trim());
    const reinstated = money(original.applied_waiver, original.currency.trim());
    if (!isPositive(applied) && !isPositive(reinstated)) continue;
    const outcome = applyReversal(bill, applied, today, reinstated);
    const updated = await saveBillState(client, bill, outcome.state, { cause: 'reversal', causeId: payload.reversalId, at: ctx.now });
    await enqueueEvent(
      client,
      createEvent('bill.reopened', {
        ...billEventEnvelope(bill, event),
        payload: {
          ...toBillSnapshot(updated, account, ctx.policy, ctx.now),
          reopenedAt: ctx.now.toISOString(),
          paymentId: payload.paymentId,
          reversalId: payload.reversalId,
          reason: payload.reason,
        },
      }),
    );
    report.reopened.push(bill.billId);
  }
  return report;
}
