// The Adoption screen's API over a real billing (its app on a free port, a fresh database, real Redis)
// that trusts this run's console key: any role reads billing's figures for a cycle; a malformed cycle
// is refused before billing is called; a billing that does not answer is a 503.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AdoptionResponse } from '@gateway/contracts';
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

beforeAll(async () => {
  h = await startConsoleHarness();
  db = await createTestDatabase({ migrationsDir: billingMigrationsDir });
  billing = await serveTrustingConsole(h, 'console-adoption', (deps) => buildBillingApp({ ...deps, readiness: [], registry: new Registry(), pool: db.pool, policy: defaultLateFeePolicy }));
  app = await h.build({ services: { billing: billing.url } });
  // The harness's own billing is port 1, which never answers.
  billingDown = await h.build();

  // Two December bills in Damascus and Aleppo; the Aleppo one paid through wallet-beta.
  await db.pool.query(`INSERT INTO accounts (account_no, holder_class, governorate) VALUES ('0114000001', 'individual', 'damascus'), ('0214000002', 'business', 'aleppo')`);
  await db.pool.query(
    `INSERT INTO bills (bill_id, external_bill_id, account_no, biller_id, issue_date, due_date, amount, currency, status, paid_amount) VALUES
       ('bil_a', 'ext-a', '0114000001', 'telecom', '2026-12-01', '2026-12-28', 120000, 'SYP', 'open', 0),
       ('bil_b', 'ext-b', '0214000002', 'telecom', '2026-12-02', '2026-12-28', 80000, 'SYP', 'paid', 80000)`,
  );
  await db.pool.query(
    `INSERT INTO bill_payments (payment_id, bill_id, kind, amount, applied_amount, currency, event_id, occurred_at, channel_id)
     VALUES ('pay_b', 'bil_b', 'payment', 80000, 80000, 'SYP', gen_random_uuid(), '2026-12-03T08:00:00Z', 'wallet-beta')`,
  );
});
afterAll(async () => {
  await h?.close();
  await billing?.close();
  await db?.drop();
});

describe('GET /api/adoption', () => {
  it("answers a viewer with billing's figures for the cycle", async () => {
    const b = browser(app);
    await b.signIn(h.users.viewer);
    const res = await b.send<AdoptionResponse>('GET', '/api/adoption?cycle=2026-12');
    expect(res.status).toBe(200);
    expect(res.body.cycle).toBe('2026-12');
    expect(res.body.totals).toMatchObject({ billsIssued: 2, billsPaidViaGateway: 1, share: 0.5 });
    expect(res.body.byGovernorate.map((g) => [g.governorate, g.billsIssued, g.billsPaidViaGateway])).toEqual([
      ['aleppo', 1, 1],
      ['damascus', 1, 0],
    ]);
    expect(res.body.byChannel).toEqual([{ channelId: 'wallet-beta', billsPaidViaGateway: 1, share: 0.5, amountPaidViaGateway: [{ amount: 80000, currency: 'SYP' }] }]);
    expect(billing.received.at(-1)).toBe('GET /v1/adoption?cycle=2026-12');
  });

  it('asks billing for its current cycle when none is given', async () => {
    const b = browser(app);
    await b.signIn(h.users.operator);
    const res = await b.send<AdoptionResponse>('GET', '/api/adoption');
    expect(res.status).toBe(200);
    expect(res.body.cycle).toMatch(/^\d{4}-\d{2}$/);
    expect(billing.received.at(-1)).toBe('GET /v1/adoption');
  });

  it('refuses a malformed cycle with 400 invalid_request without calling billing', async () => {
    const b = browser(app);
    await b.signIn(h.users.viewer);
    const before = billing.received.length;
    for (const cycle of ['2026-13', 'december', '2026-12-01']) {
      const res = await b.send<ErrorReply>('GET', `/api/adoption?cycle=${cycle}`);
      expect(res).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
    }
    expect(billing.received.length).toBe(before);
  });

  it('is 401 without a session and 503 service_unavailable when billing does not answer', async () => {
    expect((await browser(app).send<ErrorReply>('GET', '/api/adoption')).status).toBe(401);
    const b = browser(billingDown);
    await b.signIn(h.users.viewer);
    const res = await b.send<ErrorReply>('GET', '/api/adoption?cycle=2026-12');
    expect(res).toMatchObject({ status: 503, body: { error: { code: 'service_unavailable' } } });
  });
});
