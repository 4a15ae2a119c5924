// A public entity with 12 lines pays one transfer (issue 16), across billing and payment orchestration
// running as processes from their own main.ts over real Kafka and Postgres: the telecom's billing system
// imports the entity's bills into billing (holder.entityId); bill.issued reaches orchestration's read
// model; a bank pays with entityId; payment.completed reaches billing, which settles each bill paid in
// full (bill.settled) and records the part paid on the last one reached; the entity's statement shows
// what each line was paid. Set up like end-to-end.test.ts.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { isEventOf } from '@gateway/contracts';
import type { AccountBillsResponse, BillBatchResponse, BillInquiryResponse, EntityStatementResponse, PaymentNotificationResponse } from '@gateway/contracts';
import { uniqueName, waitFor } from '@gateway/testkit';
import type { ServiceProcess, TopicWatcher } from '@gateway/testkit';
import { callAs as call, startBillingAndOrchestration } from './support/demo-clients.ts';
import type { BillingAndOrchestration } from './support/demo-clients.ts';

const syp = (amount: number) => ({ amount, currency: 'SYP' as const });

describe('a public entity with 12 lines pays one transfer, over real Kafka', () => {
  let stack: BillingAndOrchestration;
  let billing: ServiceProcess;
  let orchestration: ServiceProcess;
  let bills: TopicWatcher;

  beforeAll(async () => {
    stack = await startBillingAndOrchestration('entity');
    ({ billing, orchestration, bills } = stack);
  }, 90_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('settles the oldest due bills first across the lines, part-pays the next, leaves the rest open, and the statement shows it', async () => {
    const entityId = `ent-${randomUUID().slice(0, 8)}`;
    const first = 1_000_000 + (randomBytes(3).readUIntBE(0, 3) % 8_000_000);
    const lines = Array.from({ length: 12 }, (_, i) => `011${String(first + i).padStart(7, '0')}`);
    // One October bill per line, due on days that are not in line order: the transfer must follow the due dates.
    const rows = lines.map((accountNo, i) => ({
      externalBillId: uniqueName(`entity-bill-${i}`),
      accountNo,
      period: { from: '2026-10-01', to: '2026-10-31' },
      issueDate: '2026-11-01',
      dueDate: `2099-01-${String(1 + ((i * 5) % 12)).padStart(2, '0')}`,
      amount: syp(300_000 + i * 10_000),
      holder: { name: 'Ministry of Health', class: 'public_entity', msisdn: '+963944000111', entityId },
    }));
    const imported = await call<BillBatchResponse>('POST', `${billing.baseUrl}/v1/bill-batches`, 'telecom-billing', { batchId: uniqueName('entity-batch'), bills: rows });
    expect(imported.status).toBe(202);
    expect(imported.json.rejectedCount).toBe(0);
    const billIdOf = new Map(imported.json.accepted.map((a) => [a.externalBillId, a.billId]));
    const byDue = [...rows].sort((a, b) => (a.dueDate < b.dueDate ? -1 : 1)).map((r) => ({ ...r, billId: billIdOf.get(r.externalBillId)! }));

    // Orchestration's read model is fed asynchronously: every line's bill must be there before the transfer.
    await waitFor(
      async () => {
        for (const accountNo of lines) {
          const res = await call<BillInquiryResponse>('GET', `${orchestration.baseUrl}/v1/bills?billerId=telecom&accountNo=${accountNo}`, 'bank-alpha');
          if (res.status !== 200 || res.json.bills.length === 0) return false;
        }
        return true;
      },
      { timeoutMs: 30_000, intervalMs: 300, message: "the entity's 12 bills in payment orchestration" },
    );

    // The seven that fall due first in full, and 1,500.00 SYP (over the public-entity minimum of
    // 1,000.00) onto the eighth.
    const settled = byDue.slice(0, 7);
    const partPaid = byDue[7]!;
    const amount = settled.reduce((s, r) => s + r.amount.amount, 0) + 150_000;
    const body = { channelTxnId: uniqueName('entity-txn'), billerId: 'telecom', entityId, amount: syp(amount), paidAt: new Date().toISOString() };
    const key = randomUUID();
    const paid = await call<PaymentNotificationResponse>('POST', `${orchestration.baseUrl}/v1/payments`, 'bank-alpha', body, key);
    expect(paid.status).toBe(201);
    expect(paid.json).toMatchObject({ status: 'completed', entityId, amount: syp(amount), fee: syp(0) });
    expect(paid.json.allocations).toEqual([
      ...settled.map((r) => ({ billId: r.billId, accountNo: r.accountNo, amount: r.amount })),
      { billId: partPaid.billId, accountNo: partPaid.accountNo, amount: syp(150_000) },
    ]);
    // The bank's retry under the same key: the same answer, byte for byte, and nothing paid twice.
    const replay = await call<PaymentNotificationResponse>('POST', `${orchestration.baseUrl}/v1/payments`, 'bank-alpha', body, key);
    expect(replay.status).toBe(201);
    expect(replay.replayed).toBe('true');
    expect(replay.text).toBe(paid.text);

    // Billing settles each bill paid in full, each on its own line, all by this one payment.
    for (const r of settled) {
      const event = await bills.expectEvent((e) => isEventOf(e, 'bill.settled') && e.payload.billId === r.billId, 30_000);
      expect(isEventOf(event, 'bill.settled') && [event.payload.accountNo, event.payload.paymentIds, event.payload.amountDue.amount]).toEqual([
        r.accountNo,
        [paid.json.paymentId],
        0,
      ]);
    }
    // The part paid reaches billing too: the eighth bill stays open with the rest due.
    const eighth = await waitFor(
      async () => {
        const res = await call<AccountBillsResponse>('GET', `${billing.baseUrl}/v1/accounts/${partPaid.accountNo}/bills`, 'ops-console');
        const bill = res.json.bills[0];
        return bill?.paidAmount.amount === 150_000 ? bill : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 300, message: 'the part paid on the eighth bill in billing' },
    );
    expect(eighth.status).not.toBe('paid');
    expect(eighth.amountDue).toEqual(syp(partPaid.amount.amount - 150_000));

    // The statement: each line's paid and due as the transfer left them, the totals their sums.
    const statement = await call<EntityStatementResponse>('GET', `${billing.baseUrl}/v1/entities/${entityId}/statement?period=2026-10`, 'ops-console');
    expect(statement.status).toBe(200);
    const lineOf = new Map(statement.json.lines.map((l) => [l.accountNo, l]));
    expect(lineOf.size).toBe(12);
    for (const r of byDue) {
      const line = lineOf.get(r.accountNo)!;
      const paidOnLine = settled.includes(r) ? r.amount.amount : r === partPaid ? 150_000 : 0;
      expect([r.accountNo, line.paid.amount, line.due.amount]).toEqual([r.accountNo, paidOnLine, r.amount.amount - paidOnLine]);
    }
    expect(statement.json.totals.paid).toEqual(syp(amount));
  }, 120_000);
});
