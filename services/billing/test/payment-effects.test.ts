// GET /v1/payment-effects/{paymentId}: what billing did with one payment, for the operators' payment
// timeline: the bill it settled and when, a reversal's line, and what it could not apply.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BillBatchResponse, EventOf } from '@gateway/contracts';
import { anEvent, testLogger, uniqueName } from '@gateway/testkit';
import { v7 as uuidv7 } from 'uuid';
import { defaultLateFeePolicy } from '../src/domain/late-fee-policy.ts';
import { aRow, startHarness } from './support/import-harness.ts';
import type { Harness } from './support/import-harness.ts';
import { settlementBatches } from './support/settlement-harness.ts';
import type { SettleBatch } from './support/settlement-harness.ts';

const now = new Date('2026-02-10T09:00:00Z');
const syp = (amount: number) => ({ amount, currency: 'SYP' as const });

type Effects = {
  applied: { kind: string; billId: string; appliedAmount: { amount: number }; reversalId: string | null; after: { status: string; at: string } | null }[];
  unapplied: { billId: string; reason: string; amount: { amount: number } }[];
};

let h: Harness;
let settle: SettleBatch;
beforeAll(async () => {
  h = await startHarness({ now: () => now });
  settle = settlementBatches(h.db.pool, { logger: testLogger('payment-effects'), policy: defaultLateFeePolicy, clock: () => now });
});
afterAll(async () => {
  await h?.close();
});

async function aBill(amount: number): Promise<{ billId: string; accountNo: string }> {
  const row = aRow({ amount: syp(amount) });
  const res = await h.send<BillBatchResponse>('POST', '/v1/bill-batches', { body: { batchId: uniqueName('effects'), bills: [row] } });
  expect(res.body.rejectedCount).toBe(0);
  return { billId: res.body.accepted[0]!.billId, accountNo: row['accountNo'] as string };
}

function payment(bill: { billId: string; accountNo: string }, amount: number): EventOf<'payment.completed'> {
  return anEvent('payment.completed', {
    payload: {
      paymentId: `pay_${uuidv7()}`,
      channelTxnId: uniqueName('txn'),
      accountNo: bill.accountNo,
      amount: syp(amount),
      fee: syp(0),
      allocations: [{ billId: bill.billId, externalBillId: 'ext', amount: syp(amount) }],
      paidAt: '2026-02-10T08:00:00.000Z',
      businessDate: '2026-02-10',
    },
  });
}

const effects = (paymentId: string, as: 'operator' | 'channel' = 'operator') => h.send<Effects>('GET', `/v1/payment-effects/${paymentId}`, { as });

describe('GET /v1/payment-effects/{paymentId}', () => {
  it('shows the bill a payment settled (status paid, when), then the reversal’s line and the bill reopened', async () => {
    const bill = await aBill(80_000);
    const paid = payment(bill, 80_000);
    await settle(paid);
    const settled = await effects(paid.payload.paymentId);
    expect(settled.status).toBe(200);
    expect(settled.body.applied).toEqual([expect.objectContaining({ kind: 'payment', billId: bill.billId, appliedAmount: expect.objectContaining({ amount: 80_000 }), after: expect.objectContaining({ status: 'paid' }) })]);
    expect(settled.body.unapplied).toEqual([]);

    const reversalId = `rev_${uuidv7()}`;
    await settle(anEvent('payment.reversed', { payload: { ...paid.payload, reversalId, reason: 'Debited twice', reversedAt: '2026-02-10T10:00:00.000Z', reversalBusinessDate: '2026-02-10' } }));
    const reversed = await effects(paid.payload.paymentId);
    expect(reversed.body.applied.map((a) => [a.kind, a.reversalId, a.after?.status])).toEqual([
      ['payment', null, 'paid'],
      ['reversal', reversalId, 'open'],
    ]);
  });

  it('shows what could not be applied: a second payment of a bill already paid', async () => {
    const bill = await aBill(50_000);
    await settle(payment(bill, 50_000));
    const again = payment(bill, 50_000);
    await settle(again);
    const res = await effects(again.payload.paymentId);
    expect(res.status).toBe(200);
    expect(res.body.unapplied).toEqual([expect.objectContaining({ billId: bill.billId, amount: expect.objectContaining({ amount: 50_000 }) })]);
  });

  it('is a 404 for a payment billing never saw, and a 403 for a channel client', async () => {
    expect((await effects(`pay_${uuidv7()}`)).status).toBe(404);
    const bill = await aBill(10_000);
    const paid = payment(bill, 10_000);
    await settle(paid);
    const refused = await effects(paid.payload.paymentId, 'channel');
    expect(refused.status).toBe(403);
  });
});
