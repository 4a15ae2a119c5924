// The Fees and collections screen's API over a real billing (its app on a free port, a fresh database,
// real Redis) that trusts this run's console key: any role reads each biller's collections for a range
// and the fee orders; a bad query is refused before billing is called; a billing that does not answer
// is a 503.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CollectionsResponse, FeeOrderList } from '@gateway/contracts';
import type { HttpServer } from '@gateway/kit';
import { createTestDatabase } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import { Registry } from 'prom-client';
import { buildApp as buildBillingApp } from '../../billing/src/app.ts';
import { defaultFeeSchedulesFile, readFeeSchedulesFile } from '../../billing/src/config.ts';
import { defaultLateFeePolicy } from '../../billing/src/domain/late-fee-policy.ts';
import { billingMigrationsDir } from '../../billing/test/support/bill-fixtures.ts';
import { browser, serveTrustingConsole, startConsoleHarness } from './support/console-harness.ts';
import type { ConsoleHarness, TrustingService } from './support/console-harness.ts';

let h: ConsoleHarness;
let app: HttpServer;
let billingDown: HttpServer;
let db: TestDatabase;
let billing: TrustingService;

type ErrorReply = { error: { code: string } };
const syp = (amount: number) => ({ amount, currency: 'SYP' });

beforeAll(async () => {
  h = await startConsoleHarness();
  db = await createTestDatabase({ migrationsDir: billingMigrationsDir });
  billing = await serveTrustingConsole(h, 'console-collections', (deps) => buildBillingApp({ ...deps, readiness: [], registry: new Registry(), pool: db.pool, policy: defaultLateFeePolicy, feeSchedules: readFeeSchedulesFile(defaultFeeSchedulesFile, 7 * 86_400_000) }));
  app = await h.build({ services: { billing: billing.url } });
  // The harness's own billing is port 1, which never answers.
  billingDown = await h.build();

  // A telecom bill paid in December, another still open; a civil-registry bill paid the same month.
  await db.pool.query(`INSERT INTO accounts (account_no, holder_class, governorate, biller_id) VALUES ('0114000001', 'individual', 'damascus', 'telecom'), ('0114000002', 'individual', 'damascus', 'civil-registry')`);
  await db.pool.query(
    `INSERT INTO bills (bill_id, external_bill_id, account_no, biller_id, issue_date, due_date, amount, currency, status, paid_amount) VALUES
       ('bil_t1', 'ext-t1', '0114000001', 'telecom', '2026-12-01', '2026-12-28', 120000, 'SYP', 'paid', 120000),
       ('bil_t2', 'ext-t2', '0114000001', 'telecom', '2026-12-02', '2026-12-28', 80000, 'SYP', 'open', 0),
       ('bil_c1', 'ext-c1', '0114000002', 'civil-registry', '2026-12-03', '2026-12-03', 2500, 'SYP', 'paid', 2500)`,
  );
  await db.pool.query(
    `INSERT INTO bill_payments (payment_id, bill_id, kind, amount, applied_amount, currency, event_id, occurred_at, channel_id) VALUES
       ('pay_t1', 'bil_t1', 'payment', 120000, 120000, 'SYP', gen_random_uuid(), '2026-12-03T08:00:00Z', 'bank-alpha'),
       ('pay_c1', 'bil_c1', 'payment', 2500, 2500, 'SYP', gen_random_uuid(), '2026-12-03T09:00:00Z', 'wallet-beta')`,
  );
  // Two criminal-record orders of the civil registry, the later one paid (receipt on its payment row).
  await db.pool.query(`INSERT INTO accounts (account_no, holder_class, biller_id) VALUES ('FO-0000000000A1', 'individual', 'civil-registry'), ('FO-0000000000A2', 'individual', 'civil-registry')`);
  await db.pool.query(
    `INSERT INTO bills (bill_id, external_bill_id, account_no, biller_id, issue_date, due_date, amount, currency, status, paid_amount, essential, expires_at) VALUES
       ('bil_f1', 'FO-0000000000A1', 'FO-0000000000A1', 'civil-registry', '2026-12-04', '2099-12-11', 500000, 'SYP', 'open', 0, false, '2099-12-11T09:00:00Z'),
       ('bil_f2', 'FO-0000000000A2', 'FO-0000000000A2', 'civil-registry', '2026-12-05', '2099-12-12', 500000, 'SYP', 'paid', 500000, false, '2099-12-12T09:00:00Z')`,
  );
  await db.pool.query(
    `INSERT INTO fee_orders (order_ref, biller_id, service_code, quantity, unit_amount, amount, currency, fee_effective_from, applicant_national_id, bill_id, created_by, created_at, expires_at) VALUES
       ('FO-0000000000A1', 'civil-registry', 'criminal-record', 1, 500000, 500000, 'SYP', '2026-01-01', '01020304050', 'bil_f1', 'citizen-portal', '2026-12-04T09:00:00Z', '2099-12-11T09:00:00Z'),
       ('FO-0000000000A2', 'civil-registry', 'criminal-record', 1, 500000, 500000, 'SYP', '2026-01-01', '01020304050', 'bil_f2', 'citizen-portal', '2026-12-05T09:00:00Z', '2099-12-12T09:00:00Z')`,
  );
  await db.pool.query(
    `INSERT INTO bill_payments (payment_id, bill_id, kind, amount, applied_amount, currency, event_id, occurred_at, channel_id, receipt_no)
     VALUES ('pay_f2', 'bil_f2', 'payment', 500000, 500000, 'SYP', gen_random_uuid(), '2026-12-05T10:00:00Z', 'bank-alpha', 'R-20261205-000001')`,
  );
});
afterAll(async () => {
  await h?.close();
  await billing?.close();
  await db?.drop();
});

describe('GET /api/collections', () => {
  it("answers a viewer with billing's collections per biller for the range", async () => {
    const b = browser(app);
    await b.signIn(h.users.viewer);
    const res = await b.send<CollectionsResponse>('GET', '/api/collections?from=2026-12-01&to=2026-12-31');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ from: '2026-12-01', to: '2026-12-31' });
    expect(res.body.billers).toEqual([
      // The imported bill, and the two fee orders, also by their service.
      {
        billerId: 'civil-registry',
        billsIssued: 3,
        amountIssued: [syp(1002500)],
        billsPaid: 2,
        amountCollected: [syp(502500)],
        services: [{ serviceCode: 'criminal-record', billsIssued: 2, amountIssued: [syp(1000000)], billsPaid: 1, amountCollected: [syp(500000)] }],
      },
      { billerId: 'telecom', billsIssued: 2, amountIssued: [syp(200000)], billsPaid: 1, amountCollected: [syp(120000)], services: [] },
    ]);
    expect(billing.received.at(-1)).toBe('GET /v1/collections?from=2026-12-01&to=2026-12-31');
  });

  it("asks billing for its default range (the current month) when none is given", async () => {
    const b = browser(app);
    await b.signIn(h.users.operator);
    const res = await b.send<CollectionsResponse>('GET', '/api/collections');
    expect(res.status).toBe(200);
    expect(res.body.from).toMatch(/^\d{4}-\d{2}-01$/);
    expect(billing.received.at(-1)).toBe('GET /v1/collections');
  });

  it('refuses a bad range with 400 invalid_request without calling billing', async () => {
    const b = browser(app);
    await b.signIn(h.users.viewer);
    const before = billing.received.length;
    for (const query of ['from=2026-12-01', 'from=2026-12-31&to=2026-12-01', 'from=2026-01-01&to=2026-12-31', 'from=december&to=january']) {
      const res = await b.send<ErrorReply>('GET', `/api/collections?${query}`);
      expect([query, res.status, res.body.error.code]).toEqual([query, 400, 'invalid_request']);
    }
    expect(billing.received.length).toBe(before);
  });

  it('is 401 without a session and 503 service_unavailable when billing does not answer', async () => {
    expect((await browser(app).send<ErrorReply>('GET', '/api/collections')).status).toBe(401);
    const b = browser(billingDown);
    await b.signIn(h.users.viewer);
    const res = await b.send<ErrorReply>('GET', '/api/collections?from=2026-12-01&to=2026-12-31');
    expect(res).toMatchObject({ status: 503, body: { error: { code: 'service_unavailable' } } });
  });
});

describe('GET /api/fee-orders', () => {
  it("answers a viewer with billing's fee orders of a biller in a state, newest first", async () => {
    const b = browser(app);
    await b.signIn(h.users.viewer);
    const all = await b.send<FeeOrderList>('GET', '/api/fee-orders?billerId=civil-registry');
    expect(all.status).toBe(200);
    expect(all.body.orders.map((o) => [o.orderRef, o.status, o.receiptNo])).toEqual([
      ['FO-0000000000A2', 'paid', 'R-20261205-000001'],
      ['FO-0000000000A1', 'awaiting_payment', undefined],
    ]);
    expect(billing.received.at(-1)).toBe('GET /v1/fee-orders?limit=100&billerId=civil-registry');

    const paid = await b.send<FeeOrderList>('GET', '/api/fee-orders?status=paid&limit=5');
    expect(paid.body).toMatchObject({ orders: [{ orderRef: 'FO-0000000000A2', serviceCode: 'criminal-record', amount: syp(500000), paidAt: '2026-12-05T10:00:00.000Z' }], more: false });
    expect(billing.received.at(-1)).toBe('GET /v1/fee-orders?limit=5&status=paid');
  });

  it("refuses a bad query with 400 without calling billing; billing's 404 for a biller without fees comes back", async () => {
    const b = browser(app);
    await b.signIn(h.users.viewer);
    const before = billing.received.length;
    for (const query of ['status=open', 'limit=0', 'orderRef=FO-1']) {
      const res = await b.send<ErrorReply>('GET', `/api/fee-orders?${query}`);
      expect([query, res.status, res.body.error.code]).toEqual([query, 400, 'invalid_request']);
    }
    expect(billing.received.length).toBe(before);
    const telecom = await b.send<ErrorReply>('GET', '/api/fee-orders?billerId=telecom');
    expect(telecom).toMatchObject({ status: 404, body: { error: { code: 'biller_not_found' } } });
  });

  it('is 503 service_unavailable when billing does not answer', async () => {
    const b = browser(billingDown);
    await b.signIn(h.users.viewer);
    expect(await b.send<ErrorReply>('GET', '/api/fee-orders')).toMatchObject({ status: 503, body: { error: { code: 'service_unavailable' } } });
  });
});
