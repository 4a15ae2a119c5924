// GET /v1/fee-orders (operators) over real Postgres: fee orders made through POST /v1/fee-orders as the
// portal, one paid from a payment event as the consumer applies it and one left past its expiry, listed
// newest first, by fee biller and by the state each is in now, every one as GET /v1/fee-orders/{orderRef}
// shows it; only operators may list.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { money } from '@gateway/contracts';
import type { FeeOrderCreated, FeeOrderList, FeeOrderView } from '@gateway/contracts';
import { anEvent, testLogger, uniqueName } from '@gateway/testkit';
import { v7 as uuidv7 } from 'uuid';
import { loadFeeSchedules } from '../src/domain/fee-schedule.ts';
import { defaultLateFeePolicy } from '../src/domain/late-fee-policy.ts';
import { startHarness } from './support/import-harness.ts';
import type { Harness } from './support/import-harness.ts';
import { settlementBatches } from './support/settlement-harness.ts';

const day = 86_400_000;
const syp = (amount: number) => ({ amount, currency: 'SYP' });
const schedules = loadFeeSchedules(
  {
    billers: [
      {
        billerId: 'civil-registry',
        services: [
          { serviceCode: 'civil-documents', fees: [{ effectiveFrom: '2026-01-01', amount: syp(250_000) }] },
          { serviceCode: 'criminal-record', fees: [{ effectiveFrom: '2026-01-01', amount: syp(500_000) }] },
        ],
      },
      { billerId: 'passports', services: [{ serviceCode: 'passport', fees: [{ effectiveFrom: '2026-01-01', amount: syp(1_000_000) }] }] },
    ],
  },
  7 * day,
);
const applicant = { nationalId: '01020304050', name: 'Lina Khoury', msisdn: '0944123456' };

let now = new Date('2026-05-01T09:00:00Z');
let h: Harness;
const ref: Record<'expired' | 'paid' | 'waiting' | 'passport', string> = { expired: '', paid: '', waiting: '', passport: '' };

async function orderAt(at: string, billerId: string, serviceCode: string): Promise<string> {
  now = new Date(at);
  const res = await h.send<FeeOrderCreated>('POST', '/v1/fee-orders', { as: 'portal', body: { billerId, serviceCode, applicant } });
  expect(res.status).toBe(201);
  return res.body.orderRef;
}

async function list(query: string): Promise<FeeOrderList> {
  const res = await h.send<FeeOrderList>('GET', `/v1/fee-orders${query}`, { as: 'operator' });
  expect(res.status).toBe(200);
  return res.body;
}

beforeAll(async () => {
  h = await startHarness({ feeSchedules: schedules, now: () => now });
  // Ordered on 1 May, 7 days to pay: expired by the 20th.
  ref.expired = await orderAt('2026-05-01T09:00:00Z', 'civil-registry', 'civil-documents');
  ref.paid = await orderAt('2026-05-19T09:00:00Z', 'civil-registry', 'criminal-record');
  ref.waiting = await orderAt('2026-05-19T10:00:00Z', 'civil-registry', 'civil-documents');
  ref.passport = await orderAt('2026-05-19T11:00:00Z', 'passports', 'passport');

  const paid = await h.send<FeeOrderView>('GET', `/v1/fee-orders/${ref.paid}`, { as: 'portal' });
  const settle = settlementBatches(h.db.pool, { logger: testLogger('fee-order-list'), policy: defaultLateFeePolicy, clock: () => now });
  await settle(
    anEvent('payment.completed', {
      payload: {
        paymentId: `pay_${uuidv7()}`,
        receiptNo: 'R-20260519-000007',
        channelTxnId: uniqueName('txn'),
        billerId: 'civil-registry',
        accountNo: ref.paid,
        amount: money(500_000, 'SYP'),
        allocations: [{ billId: paid.body.billId, externalBillId: ref.paid, amount: money(500_000, 'SYP') }],
        paidAt: '2026-05-19T12:00:00.000Z',
        businessDate: '2026-05-19',
      },
    }),
  );
  now = new Date('2026-05-20T09:00:00Z');
});

afterAll(async () => {
  await h?.close();
});

describe('GET /v1/fee-orders', () => {
  it('lists every fee order newest first, each as GET /v1/fee-orders/{orderRef} shows it', async () => {
    const all = await list('');
    expect(all.orders.map((o) => o.orderRef)).toEqual([ref.passport, ref.waiting, ref.paid, ref.expired]);
    expect(all.more).toBe(false);
    for (const order of all.orders) {
      const one = await h.send<FeeOrderView>('GET', `/v1/fee-orders/${order.orderRef}`, { as: 'portal' });
      expect(order).toEqual(one.body);
    }
    expect(all.orders.map((o) => o.status)).toEqual(['awaiting_payment', 'awaiting_payment', 'paid', 'expired']);
    expect(all.orders[2]).toMatchObject({ receiptNo: 'R-20260519-000007', paidAt: '2026-05-19T12:00:00.000Z', amount: syp(500_000) });
  });

  it("filters by fee biller and by the state each order is in now", async () => {
    expect((await list('?billerId=civil-registry')).orders.map((o) => o.orderRef)).toEqual([ref.waiting, ref.paid, ref.expired]);
    expect((await list('?status=paid')).orders.map((o) => o.orderRef)).toEqual([ref.paid]);
    expect((await list('?status=expired')).orders.map((o) => o.orderRef)).toEqual([ref.expired]);
    expect((await list('?billerId=civil-registry&status=awaiting_payment')).orders.map((o) => o.orderRef)).toEqual([ref.waiting]);
    expect((await list('?status=cancelled')).orders).toEqual([]);

    // The clock alone moves an unpaid order from awaiting_payment to expired.
    now = new Date('2026-05-27T10:00:00Z');
    expect((await list('?billerId=civil-registry&status=expired')).orders.map((o) => o.orderRef)).toEqual([ref.waiting, ref.expired]);
    now = new Date('2026-05-20T09:00:00Z');
  });

  it('gives at most limit orders and says when more match', async () => {
    const first = await list('?limit=2');
    expect(first.orders.map((o) => o.orderRef)).toEqual([ref.passport, ref.waiting]);
    expect(first.more).toBe(true);
    expect((await list('?limit=4')).more).toBe(false);
  });

  it('refuses a bad query with 400, a biller without a fee schedule with 404, and every client but an operator', async () => {
    for (const query of ['status=open', 'limit=0', 'limit=201', 'limit=ten', 'orderRef=FO-1']) {
      const res = await h.send('GET', `/v1/fee-orders?${query}`, { as: 'operator' });
      expect([query, res.status, res.body.error.code]).toEqual([query, 400, 'invalid_request']);
    }
    const notFeeBiller = await h.send('GET', '/v1/fee-orders?billerId=telecom', { as: 'operator' });
    expect(notFeeBiller).toMatchObject({ status: 404, body: { error: { code: 'biller_not_found' } } });
    for (const as of ['portal', 'biller', 'channel'] as const) {
      const res = await h.send('GET', '/v1/fee-orders', { as });
      expect(res).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    }
    expect((await h.send('GET', '/v1/fee-orders', { as: 'unsigned' })).status).toBe(401);
  });
});
