// Property over random sequences of payments and reversals against a real database, some of them
// concurrent, through the real flows (recordPayment / reversePayment): every ledger transaction sums
// to zero, and no bill ever has more live allocations than it owes.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { money } from '@gateway/contracts';
import type { BillSnapshot } from '@gateway/contracts';
import { withTransaction } from '@gateway/kit';
import fc from 'fast-check';
import { paymentContext, recordPayment } from '../src/flows/record-payment.flow.ts';
import { reversePayment } from '../src/flows/reverse-payment.flow.ts';
import { aLandline, startHarness, syp } from './support/harness.ts';
import type { Harness } from './support/harness.ts';

type Op =
  | { kind: 'pay'; channel: 0 | 1; bills: number[] | null; amount: number }
  | { kind: 'reverse'; payment: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('pay' as const),
      channel: fc.constantFrom(0 as const, 1 as const),
      bills: fc.option(fc.uniqueArray(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 3 }), { nil: null }),
      amount: fc.integer({ min: 1, max: 400_000 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reverse' as const), payment: fc.nat({ max: 20 }) }) },
);

describe('ledger and allocation invariants (property, real Postgres)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: '2026-05-10T09:00:00Z' });
  });
  afterAll(async () => {
    await h.close();
  });

  it('keeps every ledger transaction balanced and never pays a bill beyond its due', async () => {
    const ctx = paymentContext(h.config.catalogues, new Date('2026-05-10T09:00:00Z'));
    const channels = ['bank-alpha', 'wallet-one'] as const;
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        // Batches of operations; the operations of one batch run concurrently.
        fc.array(fc.array(opArb, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.record({ amount: fc.integer({ min: 1_000, max: 200_000 }), partial: fc.boolean() }), { minLength: 3, maxLength: 3 }),
        async (batches, billShapes) => {
          run += 1;
          const accountNo = aLandline();
          const bills: BillSnapshot[] = [];
          for (const [i, shape] of billShapes.entries()) {
            bills.push(
              await h.issueBill({
                accountNo,
                amount: syp(shape.amount),
                amountDue: syp(shape.amount),
                allowPartial: shape.partial,
                minAmount: syp(shape.partial ? 1 : shape.amount),
                maxAmount: syp(shape.amount),
                period: { from: `2026-0${i + 1}-01`, to: `2026-0${i + 1}-28` },
              }),
            );
          }
          const payments: string[] = [];
          let txn = 0;
          for (const batch of batches) {
            await Promise.all(
              batch.map(async (op) => {
                if (op.kind === 'pay') {
                  txn += 1;
                  const channelId = channels[op.channel];
                  const outcome = await withTransaction(h.db.pool, (client) =>
                    recordPayment(
                      client,
                      {
                        clientId: channelId,
                        channelId,
                        channelTxnId: `prop-${run}-${txn}`,
                        source: 'channel',
                        intentId: null,
                        billerId: 'telecom',
                        accountNo,
                        billIds: op.bills === null ? undefined : op.bills.map((b) => bills[b]!.billId),
                        amount: money(op.amount, 'SYP'),
                        paidAt: '2026-05-10T08:00:00Z',
                        payerMsisdn: null,
                        correlationId: `prop-${run}`,
                        causationId: null,
                      },
                      ctx,
                    ),
                  );
                  if (outcome.kind === 'completed') payments.push(outcome.payment.paymentId);
                } else if (payments.length > 0) {
                  const paymentId = payments[op.payment % payments.length]!;
                  const clientId = (await h.db.pool.query<{ client_id: string }>('SELECT client_id FROM payments WHERE payment_id = $1', [paymentId])).rows[0]!.client_id;
                  await withTransaction(h.db.pool, (client) => reversePayment(client, { clientId, paymentId, reason: 'property', correlationId: `prop-${run}` }, ctx));
                }
              }),
            );
          }

          const unbalanced = await h.count('(SELECT txn_id FROM ledger_entries GROUP BY txn_id, currency HAVING sum(amount) <> 0) x');
          expect(unbalanced).toBe(0);
          const { rows } = await h.db.pool.query<{ bill_id: string; owed: number; paid: number }>(
            `SELECT b.bill_id, b.amount + b.late_fee AS owed,
                    COALESCE((SELECT sum(a.amount + a.waived) FROM payment_allocations a WHERE a.bill_id = b.bill_id AND a.reversed_at IS NULL), 0) AS paid
             FROM payable_bills b WHERE b.account_no = $1`,
            [accountNo],
          );
          for (const row of rows) expect(Number(row.paid)).toBeLessThanOrEqual(Number(row.owed));
          // Every payment's allocations add up to its amount; every reversed payment has released them.
          const mismatched = await h.count(
            'payments p',
            'p.account_no = $1 AND p.amount <> (SELECT sum(amount) FROM payment_allocations a WHERE a.payment_id = p.payment_id)',
            [accountNo],
          );
          expect(mismatched).toBe(0);
          const stillLive = await h.count(
            'payment_allocations a JOIN payments p USING (payment_id)',
            "p.account_no = $1 AND p.status = 'reversed' AND a.reversed_at IS NULL",
            [accountNo],
          );
          expect(stillLive).toBe(0);
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);
});
