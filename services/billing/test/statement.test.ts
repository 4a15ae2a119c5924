import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BillBatchResponse, EntityStatementResponse, Money } from '@gateway/contracts';
import { aRow, startHarness } from './support/import-harness.ts';
import type { Harness } from './support/import-harness.ts';

const entityId = 'ent-moe';
const lines = ['0112000001', '0212000002', '0312000003', '041200004'];

function sum(items: readonly Money[]): number {
  return items.reduce((s, m) => s + m.amount, 0);
}

describe('GET /v1/entities/{entityId}/statement', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: () => new Date('2026-03-15T09:00:00Z') });
    const holder = (i: number) => ({ name: 'Ministry of Education', class: 'public_entity', msisdn: `09440000${10 + i}`, entityId });
    const january = { period: { from: '2026-01-01', to: '2026-01-31' }, issueDate: '2026-02-01', dueDate: '2026-02-28' };
    const res = await h.send<BillBatchResponse>('POST', '/v1/bill-batches', {
      body: {
        batchId: 'statement-setup',
        bills: [
          aRow({ ...january, accountNo: lines[0], holder: holder(0), amount: { amount: 150_000, currency: 'SYP' } }),
          aRow({ ...january, accountNo: lines[0], holder: holder(0), externalBillId: 'moe-internet-1', amount: { amount: 80_000, currency: 'SYP' } }),
          aRow({ ...january, accountNo: lines[1], holder: holder(1), amount: { amount: 240_000, currency: 'SYP' } }),
          aRow({ ...january, accountNo: lines[2], holder: holder(2), amount: { amount: 99_999, currency: 'SYP' } }),
          // February's bill of line 0, outside the January statement.
          aRow({ accountNo: lines[0], holder: holder(0), period: { from: '2026-02-01', to: '2026-02-28' }, issueDate: '2026-03-01', dueDate: '2026-03-31' }),
          // Line 3 has no bill in January; it is still one of the entity's lines.
          aRow({ accountNo: lines[3], holder: holder(3), period: { from: '2025-12-01', to: '2025-12-31' }, issueDate: '2026-01-01', dueDate: '2026-01-31' }),
          // Another subscriber in the same city: never on the ministry's statement.
          aRow({ ...january }),
        ],
      },
    });
    expect(res.body.rejectedCount).toBe(0);
    // Payments and a late fee, as settlement and the daily run would have stored them.
    const ids = res.body.accepted.map((a) => a.billId);
    await h.db.pool.query('UPDATE bills SET paid_amount = amount WHERE bill_id = $1', [ids[1]]);
    await h.db.pool.query('UPDATE bills SET paid_amount = 40000, late_fee = 4800 WHERE bill_id = $1', [ids[2]]);
    await h.db.pool.query('UPDATE bills SET late_fee = 2000 WHERE bill_id = $1', [ids[3]]);
  });
  afterAll(async () => {
    await h.close();
  });

  it('lists every line with its bills of the month, and totals that are the sums of the lines', async () => {
    const res = await h.send<EntityStatementResponse>('GET', `/v1/entities/${entityId}/statement?period=2026-01`, { as: 'operator' });
    expect(res.status).toBe(200);
    const statement = res.body;
    expect(statement).toMatchObject({ entityId, name: 'Ministry of Education', period: '2026-01' });
    expect(statement.lines.map((l) => l.accountNo)).toEqual(lines);
    expect(statement.lines.map((l) => l.bills.length)).toEqual([2, 1, 1, 0]);

    for (const line of statement.lines) {
      expect(line.amount.amount).toBe(sum(line.bills.map((b) => b.amount)));
      expect(line.lateFees.amount).toBe(sum(line.bills.map((b) => b.lateFee)));
      expect(line.paid.amount).toBe(sum(line.bills.map((b) => b.paidAmount)));
      expect(line.due.amount).toBe(sum(line.bills.map((b) => b.amountDue)));
      expect(line.due.amount).toBe(line.amount.amount + line.lateFees.amount - line.paid.amount);
    }
    for (const field of ['amount', 'lateFees', 'paid', 'due'] as const) {
      expect(statement.totals[field]).toEqual({ amount: sum(statement.lines.map((l) => l[field])), currency: 'SYP' });
    }
    expect(statement.totals).toEqual({
      amount: { amount: 150_000 + 80_000 + 240_000 + 99_999, currency: 'SYP' },
      lateFees: { amount: 6_800, currency: 'SYP' },
      paid: { amount: 120_000, currency: 'SYP' },
      due: { amount: 150_000 + 204_800 + 101_999, currency: 'SYP' },
    });
    expect(statement.lines[0]!.bills.find((b) => b.externalBillId === 'moe-internet-1')?.status).toBe('paid');
  });

  it('shows a month without bills as lines at zero', async () => {
    const res = await h.send<EntityStatementResponse>('GET', `/v1/entities/${entityId}/statement?period=2025-06`);
    expect(res.status).toBe(200);
    expect(res.body.lines).toHaveLength(4);
    expect(res.body.totals.due).toEqual({ amount: 0, currency: 'SYP' });
  });

  it('404 not_found for an unknown entity', async () => {
    const res = await h.send('GET', '/v1/entities/ent-nobody/statement?period=2026-01');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it.each(['', '?period=2026-13', '?period=2026-1', '?period=january'])('400 invalid_request for the period %j', async (query) => {
    const res = await h.send('GET', `/v1/entities/${entityId}/statement${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
  });

  it('403 for a channel client', async () => {
    const res = await h.send('GET', `/v1/entities/${entityId}/statement?period=2026-01`, { as: 'channel' });
    expect(res.status).toBe(403);
  });

  it('400 invalid_request for a month of year 0000, which no database date can hold', async () => {
    const res = await h.send('GET', `/v1/entities/${entityId}/statement?period=0000-01`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toContain('querystring.period');
  });

  it.each([
    // Longer than the router takes a path parameter: refused before the schema sees it.
    ['300 characters long', 'e'.repeat(300), 'The request is not valid.'],
    ['with a NUL', 'ent%00moe', 'params.entityId: must not contain NUL'],
  ])('400 invalid_request for an entityId %s', async (_, id, message) => {
    const res = await h.send('GET', `/v1/entities/${id}/statement?period=2026-01`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toContain(message);
  });

  it.each([
    ['spaces and Arabic', 'وزارة%20التربية%20moe'],
    ['a malformed percent-escape', '%E0%A4%A'],
  ])('4xx, never 500, for an entityId with %s', async (_, id) => {
    const res = await h.send('GET', `/v1/entities/${id}/statement?period=2026-01`);
    expect([400, 404]).toContain(res.status);
  });
});

describe('GET /v1/entities/{entityId}/statement with bills in more than one currency', () => {
  let h: Harness;
  const mixed = 'ent-mixed-currency';
  const [syp, usd] = ['0113000001', '0213000002'];
  const month = (m: string) => ({ period: { from: `2026-${m}-01`, to: `2026-${m}-28` }, issueDate: `2026-${m}-28`, dueDate: `2026-${m}-28` });
  const holder = (i: number) => ({ name: 'Ministry of Tourism', class: 'public_entity', msisdn: `09440001${10 + i}`, entityId: mixed });
  const dollars = (amount: number) => ({ amount, currency: 'USD' });
  const pounds = (amount: number) => ({ amount, currency: 'SYP' });

  beforeAll(async () => {
    // No biller currency configured: the import takes any supported currency, as a deployment that
    // configured one only later would have.
    h = await startHarness({ now: () => new Date('2026-03-15T09:00:00Z') });
    const res = await h.send<BillBatchResponse>('POST', '/v1/bill-batches', {
      body: {
        batchId: 'mixed-currency-setup',
        bills: [
          // March: one line in pounds, the other in dollars.
          aRow({ ...month('03'), accountNo: syp, holder: holder(0), amount: pounds(150_000) }),
          aRow({ ...month('03'), accountNo: usd, holder: holder(1), amount: dollars(2_500) }),
          // May: both currencies on the same line.
          aRow({ ...month('05'), accountNo: syp, holder: holder(0), amount: pounds(150_000) }),
          aRow({ ...month('05'), accountNo: syp, holder: holder(0), amount: dollars(1_000) }),
          // April: dollars only.
          aRow({ ...month('04'), accountNo: usd, holder: holder(1), amount: dollars(2_500) }),
        ],
      },
    });
    expect(res.body.rejectedCount).toBe(0);
  });
  afterAll(async () => {
    await h.close();
  });

  it.each(['2026-03', '2026-05'])('422 currency_mismatch naming the currencies for %s', async (period) => {
    const res = await h.send('GET', `/v1/entities/${mixed}/statement?period=${period}`, { as: 'operator' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('currency_mismatch');
    expect(res.body.error.message).toContain('(SYP, USD)');
    expect(res.body.error.message).toContain(period);
  });

  it('adds up a month whose bills share one currency in that currency', async () => {
    const res = await h.send<EntityStatementResponse>('GET', `/v1/entities/${mixed}/statement?period=2026-04`, { as: 'operator' });
    expect(res.status).toBe(200);
    expect(res.body.totals.amount).toEqual(dollars(2_500));
    expect(res.body.lines.map((l) => l.amount)).toEqual([dollars(0), dollars(2_500)]);
  });
});
