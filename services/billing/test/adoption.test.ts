import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AdoptionResponse, BillBatchResponse, EventOf } from '@gateway/contracts';
import { anEvent, testLogger, uniqueName } from '@gateway/testkit';
import { v7 as uuidv7 } from 'uuid';
import { defaultLateFeePolicy } from '../src/domain/late-fee-policy.ts';
import { aRow, startHarness } from './support/import-harness.ts';
import type { Harness } from './support/import-harness.ts';
import { settlementBatches } from './support/settlement-harness.ts';
import type { SettleBatch } from './support/settlement-harness.ts';

// 12:00 in Damascus on 10 December: the current cycle is 2026-12.
const now = new Date('2026-12-10T09:00:00Z');
const syp = (amount: number) => ({ amount, currency: 'SYP' as const });

const lines = {
  damascusPaid: '0113000001',
  aleppoPartial: '0213000002',
  aleppoBusiness: '0213000003',
  homsMinistry: '0313000004',
  damascusReversed: '0113000005',
};

describe('GET /v1/adoption', () => {
  let h: Harness;
  let settle: SettleBatch;
  const bill: Record<string, string> = {};

  function payment(billKey: string, amount: number, channelId: string, paidAt: string): EventOf<'payment.completed'> {
    const accountNo = bill[`${billKey}:account`]!;
    return anEvent('payment.completed', {
      payload: {
        paymentId: `pay_${uuidv7()}`,
        channelId,
        channelTxnId: uniqueName('txn'),
        accountNo,
        amount: syp(amount),
        fee: syp(0),
        allocations: [{ billId: bill[billKey]!, externalBillId: `ext-${billKey}`, amount: syp(amount) }],
        paidAt,
        businessDate: paidAt.slice(0, 10),
      },
    });
  }

  beforeAll(async () => {
    h = await startHarness({ now: () => now });
    settle = settlementBatches(h.db.pool, { logger: testLogger('adoption'), policy: defaultLateFeePolicy, clock: () => now });
    const december = (issueDate: string) => ({ period: { from: '2026-11-01', to: '2026-11-30' }, issueDate, dueDate: '2026-12-28' });
    const individual = { name: 'Rami Haddad', class: 'individual', msisdn: '+963944123456' };
    const ministry = { name: 'Ministry of Health', class: 'public_entity', msisdn: '+963944000001', entityId: 'ent-moh' };
    const rows = {
      damascusPaid: aRow({ ...december('2026-12-01'), accountNo: lines.damascusPaid, holder: individual, amount: syp(100_000) }),
      aleppoPartial: aRow({ ...december('2026-12-01'), accountNo: lines.aleppoPartial, holder: individual, amount: syp(50_000) }),
      aleppoBusiness: aRow({
        ...december('2026-12-03'),
        accountNo: lines.aleppoBusiness,
        holder: { name: 'Halab Trading', class: 'business', msisdn: '+963944000002' },
        amount: syp(70_000),
      }),
      homsMinistry: aRow({ ...december('2026-12-03'), accountNo: lines.homsMinistry, holder: ministry, amount: syp(90_000) }),
      damascusReversed: aRow({ ...december('2026-12-01'), accountNo: lines.damascusReversed, holder: individual, amount: syp(60_000) }),
      // The ministry's November bill: another cycle, still owed.
      homsNovember: aRow({
        period: { from: '2026-10-01', to: '2026-10-31' },
        issueDate: '2026-11-01',
        dueDate: '2026-12-28',
        accountNo: lines.homsMinistry,
        holder: ministry,
        amount: syp(10_000),
      }),
    };
    const keys = Object.keys(rows);
    const res = await h.send<BillBatchResponse>('POST', '/v1/bill-batches', { body: { batchId: 'adoption-setup', bills: Object.values(rows) } });
    expect(res.body.rejectedCount).toBe(0);
    res.body.accepted.forEach((accepted, i) => {
      bill[keys[i]!] = accepted.billId;
      bill[`${keys[i]!}:account`] = (Object.values(rows)[i] as { accountNo: string }).accountNo;
    });

    await settle(payment('damascusPaid', 100_000, 'bank-alpha', '2026-12-02T10:00:00.000Z'));
    await settle(payment('aleppoPartial', 20_000, 'bank-alpha', '2026-12-04T10:00:00.000Z'));
    await settle(payment('aleppoBusiness', 30_000, 'bank-alpha', '2026-12-03T10:00:00.000Z'));
    // 01:30 on 6 December in Damascus: the bill counts as paid that day, by the wallet that completed it.
    await settle(payment('aleppoBusiness', 40_000, 'wallet-beta', '2026-12-05T22:30:00.000Z'));
    const reversed = payment('damascusReversed', 60_000, 'wallet-beta', '2026-12-02T11:00:00.000Z');
    await settle(reversed);
    await settle(
      anEvent('payment.reversed', {
        payload: { ...reversed.payload, reversalId: `rev_${uuidv7()}`, reason: 'Debited twice', reversedAt: '2026-12-02T12:00:00.000Z', reversalBusinessDate: '2026-12-02' },
      }),
    );
  });
  afterAll(async () => {
    await h.close();
  });

  it('counts the cycle by governorate, holder class and channel; a bill paid in part or reversed is not paid', async () => {
    const res = await h.send<AdoptionResponse>('GET', '/v1/adoption?cycle=2026-12', { as: 'operator' });
    expect(res.status).toBe(200);
    const a = res.body;
    expect(a).toMatchObject({ cycle: '2026-12', from: '2026-12-01', to: '2026-12-31', asOf: now.toISOString() });
    expect(a.totals).toEqual({ billsIssued: 5, billsPaidViaGateway: 2, share: 0.4, amountIssued: [syp(370_000)], amountPaidViaGateway: [syp(190_000)] });
    expect(a.byGovernorate).toEqual([
      { governorate: 'aleppo', billsIssued: 2, billsPaidViaGateway: 1, share: 0.5, amountIssued: [syp(120_000)], amountPaidViaGateway: [syp(90_000)] },
      { governorate: 'damascus', billsIssued: 2, billsPaidViaGateway: 1, share: 0.5, amountIssued: [syp(160_000)], amountPaidViaGateway: [syp(100_000)] },
      { governorate: 'homs', billsIssued: 1, billsPaidViaGateway: 0, share: 0, amountIssued: [syp(90_000)], amountPaidViaGateway: [syp(0)] },
    ]);
    expect(a.byHolderClass).toEqual([
      { holderClass: 'business', billsIssued: 1, billsPaidViaGateway: 1, share: 1, amountIssued: [syp(70_000)], amountPaidViaGateway: [syp(70_000)] },
      { holderClass: 'individual', billsIssued: 3, billsPaidViaGateway: 1, share: 1 / 3, amountIssued: [syp(210_000)], amountPaidViaGateway: [syp(120_000)] },
      { holderClass: 'public_entity', billsIssued: 1, billsPaidViaGateway: 0, share: 0, amountIssued: [syp(90_000)], amountPaidViaGateway: [syp(0)] },
    ]);
    // The business bill was paid by both: it counts for the wallet whose payment completed it, while
    // each channel's money is what it put on the cycle's bills; the reversed payment put nothing.
    expect(a.byChannel).toEqual([
      { channelId: 'bank-alpha', billsPaidViaGateway: 1, share: 0.2, amountPaidViaGateway: [syp(150_000)] },
      { channelId: 'wallet-beta', billsPaidViaGateway: 1, share: 0.2, amountPaidViaGateway: [syp(40_000)] },
    ]);
  });

  it('lays the cycle out day by day (Damascus days) up to today, with the running share', async () => {
    const { body } = await h.send<AdoptionResponse>('GET', '/v1/adoption?cycle=2026-12', { as: 'operator' });
    expect(body.daily.map((d) => d.date)).toEqual(Array.from({ length: 10 }, (_, i) => `2026-12-${String(i + 1).padStart(2, '0')}`));
    const day = (date: string) => body.daily.find((d) => d.date === date);
    expect(day('2026-12-01')).toEqual({ date: '2026-12-01', issued: 3, paid: 0, cumulativeIssued: 3, cumulativePaid: 0, cumulativeShare: 0 });
    expect(day('2026-12-02')).toEqual({ date: '2026-12-02', issued: 0, paid: 1, cumulativeIssued: 3, cumulativePaid: 1, cumulativeShare: 1 / 3 });
    expect(day('2026-12-05')?.paid).toBe(0);
    expect(day('2026-12-06')).toEqual({ date: '2026-12-06', issued: 0, paid: 1, cumulativeIssued: 5, cumulativePaid: 2, cumulativeShare: 0.4 });
    expect(body.daily.at(-1)).toMatchObject({ date: '2026-12-10', cumulativePaid: 2, cumulativeShare: 0.4 });
  });

  it("lists every public entity's lines and what its payable bills owe, across cycles", async () => {
    const { body } = await h.send<AdoptionResponse>('GET', '/v1/adoption?cycle=2026-12', { as: 'operator' });
    expect(body.publicEntities).toEqual([{ entityId: 'ent-moh', name: 'Ministry of Health', lines: 1, outstanding: [syp(100_000)] }]);
  });

  it('defaults to the current cycle in Asia/Damascus; another month counts only its own bills', async () => {
    const current = await h.send<AdoptionResponse>('GET', '/v1/adoption', { as: 'operator' });
    expect(current.status).toBe(200);
    expect(current.body.cycle).toBe('2026-12');
    expect(current.body.totals.billsIssued).toBe(5);

    const november = await h.send<AdoptionResponse>('GET', '/v1/adoption?cycle=2026-11', { as: 'operator' });
    expect(november.body.totals).toEqual({ billsIssued: 1, billsPaidViaGateway: 0, share: 0, amountIssued: [syp(10_000)], amountPaidViaGateway: [syp(0)] });
    expect(november.body.daily).toHaveLength(30);
    expect(november.body.byChannel).toEqual([]);

    const empty = await h.send<AdoptionResponse>('GET', '/v1/adoption?cycle=2025-01', { as: 'operator' });
    expect(empty.body.totals).toEqual({ billsIssued: 0, billsPaidViaGateway: 0, share: null, amountIssued: [], amountPaidViaGateway: [] });
  });

  it('400 invalid_request for a cycle that is not a month', async () => {
    for (const query of ['cycle=2026-13', 'cycle=2026-1', 'cycle=0000-01', 'cycle=december', 'month=2026-12']) {
      const res = await h.send('GET', `/v1/adoption?${query}`, { as: 'operator' });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    }
  });

  it('refuses every client but an operator', async () => {
    for (const as of ['biller', 'channel', 'portal'] as const) {
      const res = await h.send('GET', '/v1/adoption', { as });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect((await h.send('GET', '/v1/adoption', { as: 'unsigned' })).status).toBe(401);
  });
});
