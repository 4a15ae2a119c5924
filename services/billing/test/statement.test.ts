import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BillBatchResponse, EntityStatementResponse, Money } from '@gateway/contracts';
import { aRow, startHarness } from './import-harness.ts';
import type { Harness } from './import-harness.ts';

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
});
