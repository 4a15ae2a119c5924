// GET /v1/collections over real Postgres: bills of the telecom and of a fee biller (civil-registry),
// imported through the batch route or ordered as fee orders through POST /v1/fee-orders, and settled
// from payment events as the consumer applies them, add up per biller (and per service where the bill
// is a fee order) over a range of Damascus days: issued by issue date, paid and collected by payment
// day, a bill counted paid on the day of the payment that completed it, a reversed payment collecting nothing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BillBatchResponse, CollectionsResponse, EventOf, FeeOrderCreated, FeeOrderView } from '@gateway/contracts';
import { anEvent, testLogger, uniqueName } from '@gateway/testkit';
import { v7 as uuidv7 } from 'uuid';
import { loadFeeSchedules } from '../src/domain/fee-schedule.ts';
import { defaultLateFeePolicy } from '../src/domain/late-fee-policy.ts';
import { aLandline, aRow, startHarness } from './support/import-harness.ts';
import type { Harness } from './support/import-harness.ts';
import { settlementBatches } from './support/settlement-harness.ts';
import type { SettleBatch } from './support/settlement-harness.ts';

// 12:00 in Damascus on 10 December: the current month is December 2026.
const now = new Date('2026-12-10T09:00:00Z');
const syp = (amount: number) => ({ amount, currency: 'SYP' as const });
const feeSchedules = loadFeeSchedules(
  {
    billers: [
      {
        billerId: 'civil-registry',
        services: [
          { serviceCode: 'civil-documents', fees: [{ effectiveFrom: '2026-01-01', amount: syp(250_000) }] },
          { serviceCode: 'criminal-record', fees: [{ effectiveFrom: '2026-01-01', amount: syp(500_000) }] },
        ],
      },
    ],
  },
  7 * 86_400_000,
);

describe('GET /v1/collections', () => {
  let h: Harness;
  let settle: SettleBatch;
  const bills: Record<string, { billId: string; accountNo: string }> = {};

  function payment(key: string, amount: number, paidAt: string): EventOf<'payment.completed'> {
    const { billId, accountNo } = bills[key]!;
    return anEvent('payment.completed', {
      payload: {
        paymentId: `pay_${uuidv7()}`,
        channelId: 'bank-alpha',
        channelTxnId: uniqueName('txn'),
        accountNo,
        amount: syp(amount),
        fee: syp(0),
        allocations: [{ billId, externalBillId: `ext-${key}`, amount: syp(amount) }],
        paidAt,
        businessDate: paidAt.slice(0, 10),
      },
    });
  }

  beforeAll(async () => {
    h = await startHarness({ now: () => now, feeSchedules });
    settle = settlementBatches(h.db.pool, { logger: testLogger('collections'), policy: defaultLateFeePolicy, clock: () => now });
    const issued = (issueDate: string) => ({ period: { from: issueDate, to: issueDate }, issueDate, dueDate: '2027-01-31' });
    const rows: Record<string, Record<string, unknown>> = {
      paidInDecember: aRow({ ...issued('2026-12-01'), accountNo: aLandline(), amount: syp(100_000) }),
      novemberPaidInDecember: aRow({ ...issued('2026-11-20'), accountNo: aLandline(), amount: syp(40_000) }),
      partial: aRow({ ...issued('2026-12-01'), accountNo: aLandline(), amount: syp(50_000) }),
      reversed: aRow({ ...issued('2026-12-01'), accountNo: aLandline(), amount: syp(60_000) }),
      // Paid in part in November, completed at 00:30 on 1 December in Damascus (21:30 UTC the day before).
      completedAtMidnight: aRow({ ...issued('2026-11-25'), accountNo: aLandline(), amount: syp(50_000) }),
      certificatePaid: aRow({ ...issued('2026-12-05'), accountNo: aLandline(), amount: syp(5_000), billerId: 'civil-registry' }),
      certificateOpen: aRow({ ...issued('2026-12-06'), accountNo: aLandline(), amount: syp(3_000), billerId: 'civil-registry' }),
    };
    const keys = Object.keys(rows);
    const res = await h.send<BillBatchResponse>('POST', '/v1/bill-batches', { body: { batchId: 'collections-setup', bills: Object.values(rows) } });
    expect(res.body.rejected).toEqual([]);
    for (const accepted of res.body.accepted) bills[keys[accepted.index]!] = { billId: accepted.billId, accountNo: rows[keys[accepted.index]!]!['accountNo'] as string };

    await settle(payment('paidInDecember', 100_000, '2026-12-02T10:00:00.000Z'));
    await settle(payment('novemberPaidInDecember', 40_000, '2026-12-03T10:00:00.000Z'));
    await settle(payment('partial', 20_000, '2026-12-04T10:00:00.000Z'));
    const reversed = payment('reversed', 60_000, '2026-12-02T11:00:00.000Z');
    await settle(reversed);
    await settle(
      anEvent('payment.reversed', {
        payload: { ...reversed.payload, reversalId: `rev_${uuidv7()}`, reason: 'Debited twice', reversedAt: '2026-12-02T12:00:00.000Z', reversalBusinessDate: '2026-12-02' },
      }),
    );
    await settle(payment('completedAtMidnight', 20_000, '2026-11-28T10:00:00.000Z'));
    await settle(payment('completedAtMidnight', 30_000, '2026-11-30T21:30:00.000Z'));
    await settle(payment('certificatePaid', 5_000, '2026-12-05T08:00:00.000Z'));

    // Two fee orders made today (10 December) through the portal; the criminal-record one paid.
    const applicant = { nationalId: '01020304050', name: 'Lina Khoury', msisdn: '0944123456' };
    for (const serviceCode of ['criminal-record', 'civil-documents']) {
      const ordered = await h.send<FeeOrderCreated>('POST', '/v1/fee-orders', { as: 'portal', body: { billerId: 'civil-registry', serviceCode, applicant } });
      expect(ordered.status).toBe(201);
      const view = await h.send<FeeOrderView>('GET', `/v1/fee-orders/${ordered.body.orderRef}`, { as: 'portal' });
      bills[serviceCode] = { billId: view.body.billId, accountNo: ordered.body.orderRef };
    }
    await settle(payment('criminal-record', 500_000, '2026-12-10T08:30:00.000Z'));
  });
  afterAll(async () => {
    await h.close();
  });

  it("adds up each biller's bills issued, bills paid and money collected over the range", async () => {
    const res = await h.send<CollectionsResponse>('GET', '/v1/collections?from=2026-12-01&to=2026-12-31', { as: 'operator' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      from: '2026-12-01',
      to: '2026-12-31',
      asOf: now.toISOString(),
      billers: [
        // Two imported bills and two fee orders; only the orders say their service.
        {
          billerId: 'civil-registry',
          billsIssued: 4,
          amountIssued: [syp(758_000)],
          billsPaid: 2,
          amountCollected: [syp(505_000)],
          services: [
            { serviceCode: 'civil-documents', billsIssued: 1, amountIssued: [syp(250_000)], billsPaid: 0, amountCollected: [syp(0)] },
            { serviceCode: 'criminal-record', billsIssued: 1, amountIssued: [syp(500_000)], billsPaid: 1, amountCollected: [syp(500_000)] },
          ],
        },
        // Issued: the three December bills. Paid: the December bill, the November one paid in December and
        // the one completed at 00:30 on 1 December; the partial bill is collected from but not paid, and
        // the reversed payment collected nothing.
        { billerId: 'telecom', billsIssued: 3, amountIssued: [syp(210_000)], billsPaid: 3, amountCollected: [syp(190_000)], services: [] },
      ],
    });
  });

  it('counts a fee order under its service on the day it was ordered and paid', async () => {
    const today = await h.send<CollectionsResponse>('GET', '/v1/collections?from=2026-12-10&to=2026-12-10', { as: 'operator' });
    expect(today.body.billers).toEqual([
      {
        billerId: 'civil-registry',
        billsIssued: 2,
        amountIssued: [syp(750_000)],
        billsPaid: 1,
        amountCollected: [syp(500_000)],
        services: [
          { serviceCode: 'civil-documents', billsIssued: 1, amountIssued: [syp(250_000)], billsPaid: 0, amountCollected: [syp(0)] },
          { serviceCode: 'criminal-record', billsIssued: 1, amountIssued: [syp(500_000)], billsPaid: 1, amountCollected: [syp(500_000)] },
        ],
      },
    ]);
  });

  it('counts a bill paid on the Damascus day of the payment that completed it, not of an earlier part', async () => {
    const november = await h.send<CollectionsResponse>('GET', '/v1/collections?from=2026-11-01&to=2026-11-30', { as: 'operator' });
    expect(november.body.billers).toEqual([{ billerId: 'telecom', billsIssued: 2, amountIssued: [syp(90_000)], billsPaid: 0, amountCollected: [syp(20_000)], services: [] }]);

    const firstOfDecember = await h.send<CollectionsResponse>('GET', '/v1/collections?from=2026-12-01&to=2026-12-01', { as: 'operator' });
    expect(firstOfDecember.body.billers).toEqual([{ billerId: 'telecom', billsIssued: 3, amountIssued: [syp(210_000)], billsPaid: 1, amountCollected: [syp(30_000)], services: [] }]);
  });

  it('defaults to the current month in Asia/Damascus; a range with nothing in it has no billers', async () => {
    const current = await h.send<CollectionsResponse>('GET', '/v1/collections', { as: 'operator' });
    expect(current.status).toBe(200);
    expect(current.body).toMatchObject({ from: '2026-12-01', to: '2026-12-31' });
    expect(current.body.billers.map((b) => b.billerId)).toEqual(['civil-registry', 'telecom']);

    const empty = await h.send<CollectionsResponse>('GET', '/v1/collections?from=2025-01-01&to=2025-03-31', { as: 'operator' });
    expect(empty.body).toMatchObject({ from: '2025-01-01', to: '2025-03-31', billers: [] });
  });

  it('takes a range of up to 92 days and refuses a wider, reversed, half-given or malformed one with 400', async () => {
    expect((await h.send('GET', '/v1/collections?from=2026-10-01&to=2026-12-31', { as: 'operator' })).status).toBe(200);
    for (const query of ['from=2026-09-30&to=2026-12-31', 'from=2026-12-31&to=2026-12-01', 'from=2026-12-01', 'to=2026-12-31', 'from=2026-12-01&to=2026-12-32', 'from=0000-01-01&to=0000-01-02', 'from=2026-12&to=2026-12', 'cycle=2026-12']) {
      const res = await h.send('GET', `/v1/collections?${query}`, { as: 'operator' });
      expect([query, res.status, res.body.error.code]).toEqual([query, 400, 'invalid_request']);
    }
  });

  it('refuses every client but an operator', async () => {
    for (const as of ['biller', 'channel', 'portal'] as const) {
      const res = await h.send('GET', '/v1/collections', { as });
      expect(res).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    }
    expect((await h.send('GET', '/v1/collections', { as: 'unsigned' })).status).toBe(401);
  });
});
