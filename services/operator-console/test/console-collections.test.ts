// The Fees and collections screen's API over a real billing (its app on a free port, a fresh database,
// real Redis) that trusts this run's console key: any role reads each biller's collections for a range;
// a bad range is refused before billing is called; a billing that does not answer is a 503.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CollectionsResponse } from '@gateway/contracts';
import type { HttpServer } from '@gateway/kit';
import { createTestDatabase } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import { Registry } from 'prom-client';
import { buildApp as buildBillingApp } from '../../billing/src/app.ts';
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
  billing = await serveTrustingConsole(h, 'console-collections', (deps) => buildBillingApp({ ...deps, readiness: [], registry: new Registry(), pool: db.pool, policy: defaultLateFeePolicy }));
  app = await h.build({ services: { billing: billing.url } });
  // The harness's own billing is port 1, which never answers.
  billingDown = await h.build();

  // A telecom bill paid in December, another still open; a civil-registry fee paid the same month.
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
      { billerId: 'civil-registry', billsIssued: 1, amountIssued: [syp(2500)], billsPaid: 1, amountCollected: [syp(2500)], services: [] },
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
