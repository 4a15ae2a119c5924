import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AccountBillsResponse, AccountResponse, BillBatchResponse } from '@gateway/contracts';
import { aLandline, aRow, startHarness } from './support/import-harness.ts';
import type { Harness } from './support/import-harness.ts';

describe('GET /v1/accounts/{accountNo} and /bills', () => {
  let h: Harness;
  const accountNo = aLandline();
  const entityLine = '0331234567';
  let billIds: string[] = [];

  beforeAll(async () => {
    // "Now" is fixed inside the January bill's payment window, after the December bill's due date.
    h = await startHarness({ now: () => new Date('2026-02-10T09:00:00Z') });
    const holder = { name: 'Rami Haddad', class: 'individual', msisdn: '0944123456' };
    const res = await h.send<BillBatchResponse>('POST', '/v1/bill-batches', {
      body: {
        batchId: 'queries-setup',
        bills: [
          aRow({ accountNo, holder, period: { from: '2025-12-01', to: '2025-12-31' }, issueDate: '2026-01-01', dueDate: '2026-01-31', amount: { amount: 90_000, currency: 'SYP' } }),
          aRow({ accountNo, holder, period: { from: '2026-01-01', to: '2026-01-31' }, issueDate: '2026-02-01', dueDate: '2026-02-28', amount: { amount: 120_000, currency: 'SYP' } }),
          aRow({ accountNo: entityLine, holder: { name: 'Hama University', class: 'public_entity', msisdn: '0933000111', entityId: 'ent-hama-uni' } }),
        ],
      },
    });
    billIds = res.body.accepted.map((a) => a.billId);
    // A partial payment on the January bill, as settlement would record it.
    await h.db.pool.query('UPDATE bills SET paid_amount = 20000 WHERE bill_id = $1', [billIds[1]]);
  });
  afterAll(async () => {
    await h.close();
  });

  it('shows the account: holder name and class, contact mobile, entity, governorate', async () => {
    for (const as of ['biller', 'operator'] as const) {
      const res = await h.send<AccountResponse>('GET', `/v1/accounts/${accountNo}`, { as });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        accountNo,
        billerId: 'telecom',
        holder: { name: 'Rami Haddad', class: 'individual', msisdn: '+963944123456', entityId: null, locale: 'ar' },
        governorate: 'damascus',
        createdAt: expect.stringMatching(/Z$/),
      });
    }
    const entity = await h.send<AccountResponse>('GET', `/v1/accounts/${entityLine}`);
    expect(entity.body).toMatchObject({ holder: { class: 'public_entity', entityId: 'ent-hama-uni' }, governorate: 'hama' });
  });

  it('finds the account by the number written another way', async () => {
    const res = await h.send<AccountResponse>('GET', `/v1/accounts/${encodeURIComponent(`+963${accountNo.slice(1)}`)}`);
    expect(res.status).toBe(200);
    expect(res.body.accountNo).toBe(accountNo);
  });

  it("lists the account's bills, newest first, with status and amount due now", async () => {
    const res = await h.send<AccountBillsResponse>('GET', `/v1/accounts/${accountNo}/bills`, { as: 'operator' });
    expect(res.status).toBe(200);
    expect(res.body.accountNo).toBe(accountNo);
    expect(res.body.bills).toEqual([
      expect.objectContaining({
        billId: billIds[1],
        period: { from: '2026-01-01', to: '2026-01-31' },
        amount: { amount: 120_000, currency: 'SYP' },
        paidAmount: { amount: 20_000, currency: 'SYP' },
        lateFee: { amount: 0, currency: 'SYP' },
        amountDue: { amount: 100_000, currency: 'SYP' },
        status: 'partially_paid',
      }),
      expect.objectContaining({ billId: billIds[0], amountDue: { amount: 90_000, currency: 'SYP' }, status: 'overdue' }),
    ]);
  });

  it('narrows the bills to one status', async () => {
    const res = await h.send<AccountBillsResponse>('GET', `/v1/accounts/${accountNo}/bills?status=overdue`);
    expect(res.body.bills.map((b) => b.billId)).toEqual([billIds[0]]);
    const bad = await h.send('GET', `/v1/accounts/${accountNo}/bills?status=lost`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_request');
  });

  it.each(['0119999999', 'not-a-number'])('404 account_not_found for %s', async (number) => {
    for (const suffix of ['', '/bills']) {
      const res = await h.send('GET', `/v1/accounts/${number}${suffix}`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('account_not_found');
      expect(res.body.error.message).not.toContain(number);
    }
  });

  it.each([
    ['with spaces', '011%20999%209999'],
    ['in Arabic-Indic digits', '%D9%A0%D9%A1%D9%A1%D9%A9%D9%A9%D9%A9%D9%A9%D9%A9%D9%A9%D9%A9'],
    ['in Arabic letters', '%D8%B1%D9%82%D9%85'],
  ])('404 account_not_found for a number %s', async (_, number) => {
    for (const suffix of ['', '/bills']) {
      const res = await h.send('GET', `/v1/accounts/${number}${suffix}`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('account_not_found');
    }
  });

  it.each([
    ['with a NUL', '0112%00345678'],
    ['with an unpaired surrogate escaped in UTF-8', '0112%ED%A0%80'],
    ['300 characters long', '1'.repeat(300)],
    ['blank', '%20%20'],
  ])('400 invalid_request, never 500, for a number %s', async (_, number) => {
    for (const suffix of ['', '/bills']) {
      const res = await h.send('GET', `/v1/accounts/${number}${suffix}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    }
  });

  it('400 invalid_request for an unknown status filter', async () => {
    const res = await h.send('GET', `/v1/accounts/${accountNo}/bills?status=settled-ish`);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('querystring.status');
  });

  it('403 for channel and portal clients, 401 unsigned', async () => {
    for (const as of ['channel', 'portal'] as const) {
      for (const suffix of ['', '/bills']) {
        const res = await h.send('GET', `/v1/accounts/${accountNo}${suffix}`, { as });
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
      }
    }
    const unsigned = await h.send('GET', `/v1/accounts/${accountNo}`, { as: 'unsigned' });
    expect(unsigned.status).toBe(401);
  });
});
