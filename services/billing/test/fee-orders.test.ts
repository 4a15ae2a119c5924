// Government fees at billing (issue 16) over real Postgres and Redis: the fee schedule, fee orders
// priced by the fee in force on their day, each a one-off bill announced as bill.issued (with expiresAt)
// through the outbox, idempotent, refused to another biller's client, and its status read off its bill
// (paid once billing applied a payment.completed, with the receipt) and the clock (expired).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { billIssuedV1, money } from '@gateway/contracts';
import type { FeeOrderCreated, FeeOrderView, FeeScheduleResponse } from '@gateway/contracts';
import { anEvent, testLogger, uniqueName } from '@gateway/testkit';
import { v7 as uuidv7 } from 'uuid';
import { configSchema, defaultFeeSchedulesFile, readFeeSchedulesFile } from '../src/config.ts';
import { FeeScheduleError, loadFeeSchedules } from '../src/domain/fee-schedule.ts';
import { defaultLateFeePolicy } from '../src/domain/late-fee-policy.ts';
import { runLateFees } from '../src/flows/run-late-fees.flow.ts';
import { outboxEvents } from './support/bill-fixtures.ts';
import { aRow, startHarness } from './support/import-harness.ts';
import type { Harness } from './support/import-harness.ts';
import { settlementBatches } from './support/settlement-harness.ts';

const day = 86_400_000;
const syp = (amount: number) => ({ amount, currency: 'SYP' });

// criminal-record's fee rises on 2026-06-01 (Asia/Damascus, UTC+3: from 2026-05-31T21:00Z).
const schedules = loadFeeSchedules(
  {
    billers: [
      {
        billerId: 'civil-registry',
        services: [
          { serviceCode: 'civil-documents', fees: [{ effectiveFrom: '2026-01-01', amount: syp(250_000) }] },
          {
            serviceCode: 'criminal-record',
            fees: [
              { effectiveFrom: '2026-06-01', amount: syp(750_000), orderTtlDays: 3 },
              { effectiveFrom: '2026-01-01', amount: syp(500_000) },
            ],
          },
        ],
      },
      { billerId: 'passports', services: [{ serviceCode: 'passport', fees: [{ effectiveFrom: '2026-01-01', amount: syp(1_000_000) }] }] },
    ],
  },
  7 * day,
);

let now = new Date('2026-05-20T09:00:00Z');
let h: Harness;

const applicant = { nationalId: '01020304050', name: 'Lina Khoury', msisdn: '0944123456' };
const order = (overrides: Record<string, unknown> = {}) => ({ billerId: 'civil-registry', serviceCode: 'criminal-record', applicant, ...overrides });

beforeAll(async () => {
  h = await startHarness({ feeSchedules: schedules, now: () => now });
});

afterAll(async () => {
  await h?.close();
});

describe('GET /v1/fee-schedule', () => {
  it('lists the fee biller’s services with the fee in force today and the next change', async () => {
    now = new Date('2026-05-20T09:00:00Z');
    const res = await h.send<FeeScheduleResponse>('GET', '/v1/fee-schedule?billerId=civil-registry', { as: 'channel' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      billerId: 'civil-registry',
      asOf: '2026-05-20',
      services: [
        { serviceCode: 'civil-documents', current: { effectiveFrom: '2026-01-01', amount: syp(250_000), orderTtlSeconds: 7 * 86_400 }, next: null },
        {
          serviceCode: 'criminal-record',
          current: { effectiveFrom: '2026-01-01', amount: syp(500_000), orderTtlSeconds: 7 * 86_400 },
          next: { effectiveFrom: '2026-06-01', amount: syp(750_000), orderTtlSeconds: 3 * 86_400 },
        },
      ],
    });
  });

  it('is 404 biller_not_found for a biller without a schedule, 400 without a billerId', async () => {
    const unknown = await h.send('GET', '/v1/fee-schedule?billerId=telecom', { as: 'portal' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('biller_not_found');
    const missing = await h.send('GET', '/v1/fee-schedule', { as: 'portal' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('invalid_request');
  });

  it('the shipped fee-schedules.json loads, and its services are those of the billers.json catalogue', async () => {
    const shipped = readFeeSchedulesFile(defaultFeeSchedulesFile, 7 * day);
    const { readFile } = await import('node:fs/promises');
    const catalogue = JSON.parse(await readFile(new URL('../../payment-orchestration/config/billers.json', import.meta.url), 'utf8')) as {
      billers: { billerId: string; kind: string; services: { serviceId: string; essential: boolean }[] }[];
    };
    for (const [billerId, services] of shipped) {
      const biller = catalogue.billers.find((b) => b.billerId === billerId);
      expect(biller?.kind).toBe('government');
      for (const serviceCode of services.keys()) expect(biller?.services.find((s) => s.serviceId === serviceCode)?.essential).toBe(false);
    }
    expect(shipped.size).toBeGreaterThan(0);
  });
});

describe('fee schedule configuration', () => {
  it('refuses at start a schedule that cannot price an order, naming the problem, and a FEE_ORDER_TTL out of range', () => {
    const bad = (fees: unknown[]) => () => loadFeeSchedules({ billers: [{ billerId: 'civil-registry', services: [{ serviceCode: 'criminal-record', fees }] }] }, day);
    expect(bad([])).toThrow(FeeScheduleError);
    expect(bad([{ effectiveFrom: '2026-01-01', amount: syp(0) }])).toThrow(/a fee must be more than zero/);
    expect(bad([{ effectiveFrom: '2026-01-01', amount: syp(1) }, { effectiveFrom: '2026-01-01', amount: syp(2) }])).toThrow(/same day/);
    expect(bad([{ effectiveFrom: '2026-02-30', amount: syp(1) }])).toThrow(/effectiveFrom/);
    expect(bad([{ effectiveFrom: '2026-01-01', amount: { amount: 1.5, currency: 'SYP' } }])).toThrow(FeeScheduleError);
    expect(configSchema.shape.FEE_ORDER_TTL.safeParse('0').success).toBe(false);
    expect(configSchema.shape.FEE_ORDER_TTL.safeParse('3d').data).toBe(3 * day);
  });
});

describe('POST /v1/fee-orders', () => {
  it('bills the applicant at the fee in force on the order’s day; a fee change applies only to orders made from its day on', async () => {
    now = new Date('2026-05-31T20:59:00Z'); // 23:59 on 2026-05-31 in Damascus
    const before = await h.send<FeeOrderCreated>('POST', '/v1/fee-orders', { as: 'portal', body: order({ quantity: 2 }) });
    expect(before.status).toBe(201);
    expect(before.body).toMatchObject({ billerId: 'civil-registry', serviceCode: 'criminal-record', amount: syp(1_000_000), status: 'awaiting_payment', expiresAt: new Date(now.getTime() + 7 * day).toISOString() });
    expect(before.body.orderRef).toMatch(/^FO-[0-9A-HJKMNP-TV-Z]{12}$/);

    now = new Date('2026-05-31T21:00:00Z'); // 00:00 on 2026-06-01 in Damascus: the new fee and its 3-day TTL
    const after = await h.send<FeeOrderCreated>('POST', '/v1/fee-orders', { as: 'portal', body: order({ quantity: 2 }) });
    expect(after.status).toBe(201);
    expect(after.body).toMatchObject({ amount: syp(1_500_000), expiresAt: new Date(now.getTime() + 3 * day).toISOString() });

    // The earlier order keeps the price it was made at.
    const earlier = await h.send<FeeOrderView>('GET', `/v1/fee-orders/${before.body.orderRef}`, { as: 'portal' });
    expect(earlier.body).toMatchObject({ status: 'awaiting_payment', amount: syp(1_000_000), quantity: 2 });
  });

  it('creates the order’s bill and announces it as bill.issued with expiresAt, accountNo = orderRef, the applicant as holder', async () => {
    now = new Date('2026-05-20T09:00:00Z');
    const res = await h.send<FeeOrderCreated>('POST', '/v1/fee-orders', { as: 'portal', body: order({ serviceCode: 'civil-documents' }) });
    expect(res.status).toBe(201);
    const { orderRef } = res.body;
    const events = (await outboxEvents(h.db.pool, 'bill.issued')).filter((e) => e.key === orderRef);
    expect(events).toHaveLength(1);
    // The contract's own schema accepts it, as notification's and orchestration's consumers will.
    const payload = billIssuedV1.parse(events[0]!.payload);
    expect(payload).toMatchObject({
      billerId: 'civil-registry',
      accountNo: orderRef,
      externalBillId: orderRef,
      period: { from: '2026-05-20', to: '2026-05-20' },
      issueDate: '2026-05-20',
      dueDate: '2026-05-27',
      amount: syp(250_000),
      amountDue: syp(250_000),
      allowPartial: false,
      minAmount: syp(250_000),
      maxAmount: syp(250_000),
      essential: false,
      holder: { class: 'individual', name: 'Lina Khoury', msisdn: '+963944123456', entityId: null, locale: 'ar' },
      status: 'open',
      expiresAt: '2026-05-27T09:00:00.000Z',
    });
    const view = await h.send<FeeOrderView>('GET', `/v1/fee-orders/${orderRef}`, { as: 'portal' });
    expect(view.body.billId).toBe(payload.billId);
  });

  it('replays the first answer for the same key and body, and refuses the key with another body', async () => {
    now = new Date('2026-05-20T09:00:00Z');
    const key = uniqueName('fee-order');
    const first = await h.send<FeeOrderCreated>('POST', '/v1/fee-orders', { as: 'portal', body: order(), idempotencyKey: key });
    const again = await h.send<FeeOrderCreated>('POST', '/v1/fee-orders', { as: 'portal', body: order(), idempotencyKey: key });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.payload).toBe(first.payload);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await h.count('fee_orders', `order_ref = '${first.body.orderRef}'`)).toBe(1);
    expect(await h.count('bills', `account_no = '${first.body.orderRef}'`)).toBe(1);
    const reused = await h.send('POST', '/v1/fee-orders', { as: 'portal', body: order({ quantity: 3 }), idempotencyKey: key });
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('idempotency_key_reused');
  });

  it('lets an authority order its own fees only; another biller’s client, the telecom’s and a channel are refused', async () => {
    now = new Date('2026-05-20T09:00:00Z');
    const own = await h.send<FeeOrderCreated>('POST', '/v1/fee-orders', { client: 'civil-registry', body: order() });
    expect(own.status).toBe(201);
    const fees = await h.count('fee_orders');

    const other = await h.send('POST', '/v1/fee-orders', { client: 'passports', body: order() });
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('forbidden');
    const telecom = await h.send('POST', '/v1/fee-orders', { as: 'biller', body: order() });
    expect(telecom.status).toBe(403);
    const channel = await h.send('POST', '/v1/fee-orders', { as: 'channel', body: order() });
    expect(channel.status).toBe(403);
    expect(await h.count('fee_orders')).toBe(fees);

    // Reading: the authority sees its own order; another authority gets 404 as for an unknown one.
    expect((await h.send('GET', `/v1/fee-orders/${own.body.orderRef}`, { client: 'civil-registry' })).status).toBe(200);
    const foreign = await h.send('GET', `/v1/fee-orders/${own.body.orderRef}`, { client: 'passports' });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('not_found');
  });

  it('keeps an authority’s client out of the telecom’s routes: no bill import, no subscriber accounts', async () => {
    now = new Date('2026-05-20T09:00:00Z');
    const batch = { batchId: uniqueName('batch'), bills: [aRow()] };
    const imported = await h.send('POST', '/v1/bill-batches', { client: 'civil-registry', body: batch });
    expect(imported.status).toBe(403);
    expect(await h.count('bill_batches')).toBe(0);
    const accepted = await h.send('POST', '/v1/bill-batches', { as: 'biller', body: batch });
    expect(accepted.status).toBe(202);
    const accountNo = (batch.bills[0] as { accountNo: string }).accountNo;
    expect((await h.send('GET', `/v1/accounts/${accountNo}`, { client: 'civil-registry' })).status).toBe(403);
    expect((await h.send('GET', `/v1/accounts/${accountNo}/bills`, { client: 'civil-registry' })).status).toBe(403);
    expect((await h.send('GET', '/v1/entities/ministry-of-health/statement?period=2026-01', { client: 'civil-registry' })).status).toBe(403);
    expect((await h.send('GET', `/v1/accounts/${accountNo}`, { as: 'biller' })).status).toBe(200);
  });

  it('answers bad input with 400 naming the field, and an unknown biller with 404 biller_not_found', async () => {
    const unknownService = await h.send('POST', '/v1/fee-orders', { as: 'portal', body: order({ serviceCode: 'passport' }) });
    expect(unknownService.status).toBe(400);
    expect(unknownService.body.error.details).toEqual({ fields: [{ field: 'body.serviceCode', problem: expect.stringContaining('no service passport') }] });
    const landline = await h.send('POST', '/v1/fee-orders', { as: 'portal', body: order({ applicant: { ...applicant, msisdn: '0112345678' } }) });
    expect(landline.status).toBe(400);
    expect(landline.body.error.details).toEqual({ fields: [{ field: 'body.applicant.msisdn', problem: expect.stringContaining('not a mobile') }] });
    const tooMany = await h.send('POST', '/v1/fee-orders', { as: 'portal', body: order({ quantity: 11 }) });
    expect(tooMany.status).toBe(400);
    const unknownBiller = await h.send('POST', '/v1/fee-orders', { as: 'portal', body: order({ billerId: 'telecom' }) });
    expect(unknownBiller.status).toBe(404);
    expect(unknownBiller.body.error.code).toBe('biller_not_found');
  });
});

describe('GET /v1/fee-orders/{orderRef}', () => {
  it('is awaiting_payment, then paid with the receipt once billing applied the payment', async () => {
    now = new Date('2026-05-20T09:00:00Z');
    const created = await h.send<FeeOrderCreated>('POST', '/v1/fee-orders', { as: 'portal', body: order() });
    const { orderRef } = created.body;
    const waiting = await h.send<FeeOrderView>('GET', `/v1/fee-orders/${orderRef}`, { client: 'civil-registry' });
    expect(waiting.body).toMatchObject({ orderRef, status: 'awaiting_payment', amount: syp(500_000) });
    expect(waiting.body.receiptNo).toBeUndefined();

    const settle = settlementBatches(h.db.pool, { logger: testLogger('fee-orders'), policy: defaultLateFeePolicy, clock: () => now });
    const paidAt = '2026-05-21T07:30:00.000Z';
    await settle(
      anEvent('payment.completed', {
        payload: {
          paymentId: `pay_${uuidv7()}`,
          receiptNo: 'R-20260521-000042',
          channelTxnId: uniqueName('txn'),
          billerId: 'civil-registry',
          accountNo: orderRef,
          amount: money(500_000, 'SYP'),
          allocations: [{ billId: waiting.body.billId, externalBillId: orderRef, amount: money(500_000, 'SYP') }],
          paidAt,
          businessDate: '2026-05-21',
        },
      }),
    );
    const paid = await h.send<FeeOrderView>('GET', `/v1/fee-orders/${orderRef}`, { client: 'civil-registry' });
    expect(paid.body).toMatchObject({ status: 'paid', receiptNo: 'R-20260521-000042', paidAt });
    // The authority's bill.settled carries the order's expiry like every snapshot of its bill.
    const settled = (await outboxEvents(h.db.pool, 'bill.settled')).filter((e) => e.key === orderRef);
    expect(settled.map((e) => e.payload)).toEqual([expect.objectContaining({ billerId: 'civil-registry', status: 'paid', expiresAt: created.body.expiresAt })]);
    // Paid stays paid after its expiry.
    now = new Date(Date.parse(created.body.expiresAt) + day);
    expect((await h.send<FeeOrderView>('GET', `/v1/fee-orders/${orderRef}`, { as: 'portal' })).body.status).toBe('paid');
  });

  it('is expired once expiresAt has passed unpaid; the late-fee run leaves its bill alone', async () => {
    now = new Date('2026-05-20T09:00:00Z');
    const created = await h.send<FeeOrderCreated>('POST', '/v1/fee-orders', { as: 'portal', body: order() });
    const { orderRef, expiresAt } = created.body;
    now = new Date(Date.parse(expiresAt) - 1);
    expect((await h.send<FeeOrderView>('GET', `/v1/fee-orders/${orderRef}`, { as: 'portal' })).body.status).toBe('awaiting_payment');
    now = new Date(Date.parse(expiresAt));
    const expired = await h.send<FeeOrderView>('GET', `/v1/fee-orders/${orderRef}`, { as: 'portal' });
    expect(expired.body).toMatchObject({ status: 'expired', amount: syp(500_000) });
    expect(expired.body.receiptNo).toBeUndefined();

    // Far past its due date: a telecom bill would take late fees and an overdue notice (a cut-off SMS).
    await runLateFees({ pool: h.db.pool, policy: defaultLateFeePolicy, logger: testLogger('fee-orders'), clock: () => now, useLock: false }, '2026-09-01');
    expect(await h.count('late_fees l JOIN fee_orders o ON o.bill_id = l.bill_id')).toBe(0);
    expect((await outboxEvents(h.db.pool, 'bill.overdue')).filter((e) => e.key === orderRef)).toEqual([]);
  });

  it('leaves fee orders out of the telecom adoption figures (no billing cycle issued them)', async () => {
    now = new Date('2026-05-20T09:00:00Z');
    expect((await h.send<FeeOrderCreated>('POST', '/v1/fee-orders', { as: 'portal', body: order() })).status).toBe(201);
    expect(await h.count('bills', "issue_date >= '2026-05-01' AND issue_date < '2026-06-01'")).toBeGreaterThan(0);
    const adoption = await h.send<{ totals: { billsIssued: number } }>('GET', '/v1/adoption?cycle=2026-05', { as: 'operator' });
    expect(adoption.status).toBe(200);
    expect(adoption.body.totals.billsIssued).toBe(0);
  });

  it('is 404 for an order that does not exist', async () => {
    const res = await h.send('GET', '/v1/fee-orders/FO-0000000000AA', { as: 'portal' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});
