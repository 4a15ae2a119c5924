// Inputs that used to get through POST /v1/payments (issue 10, item 8), on real Postgres and Redis:
// a NUL in channelTxnId was a 500 from the database, a paidAt in 2099 was recorded as the payment's
// time. Each is now a 400 invalid_request naming the field, and nothing is recorded.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PaymentNotificationResponse } from '@gateway/contracts';
import { aPayment, startHarness } from './support/harness.ts';
import type { Harness } from './support/harness.ts';

describe('POST /v1/payments: inputs that cannot be stored or are not believable', () => {
  const now = '2026-05-10T09:00:00.000Z';
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now });
  });
  afterAll(async () => {
    await h.close();
  });

  async function recorded(): Promise<number[]> {
    return [await h.count('payments'), await h.count('outbox'), await h.count('ledger_entries')];
  }

  it.each([
    ['a NUL byte', 'txn-\u0000-1'],
    ['a control character', 'txn-\u001b[2J'],
    ['an unpaired surrogate', 'txn-\ud800'],
  ])('refuses %s in channelTxnId with 400 invalid_request naming the field', async (_what, channelTxnId) => {
    const bill = await h.issueBill();
    const before = await recorded();
    const res = await h.send('POST', '/v1/payments', { body: aPayment(bill, { channelTxnId }) });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toContain('channelTxnId');
    expect(await recorded()).toEqual(before);
  });

  it.each([
    ['in 2099', '2099-01-01T00:00:00Z'],
    ['6 minutes ahead of the clock', '2026-05-10T09:06:00Z'],
    ['8 days ago', '2026-05-02T09:00:00Z'],
  ])('refuses a paidAt %s with 400 invalid_request naming paidAt, and records nothing', async (_when, paidAt) => {
    const bill = await h.issueBill();
    const before = await recorded();
    const res = await h.send('POST', '/v1/payments', { body: aPayment(bill, { paidAt }) });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toMatch(/paidAt: must not be more than/);
    expect(await recorded()).toEqual(before);
  });

  it.each([
    ['4 minutes ahead of the clock', '2026-05-10T09:04:00Z'],
    ['6 days ago', '2026-05-04T09:00:00Z'],
  ])('accepts a paidAt %s', async (_when, paidAt) => {
    const bill = await h.issueBill();
    const res = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', { body: aPayment(bill, { paidAt }) });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('completed');
  });

  it('takes the window from PAID_AT_MAX_AHEAD and PAID_AT_MAX_AGE', async () => {
    const narrow = await startHarness({ now, env: { PAID_AT_MAX_AHEAD: '0', PAID_AT_MAX_AGE: '1h' } });
    try {
      const bill = await narrow.issueBill();
      const ahead = await narrow.send('POST', '/v1/payments', { body: aPayment(bill, { paidAt: '2026-05-10T09:00:01Z' }) });
      expect(ahead.status).toBe(400);
      const old = await narrow.send('POST', '/v1/payments', { body: aPayment(bill, { paidAt: '2026-05-10T07:59:59Z' }) });
      expect(old.status).toBe(400);
      const inside = await narrow.send('POST', '/v1/payments', { body: aPayment(bill, { paidAt: '2026-05-10T08:30:00Z' }) });
      expect(inside.status).toBe(201);
    } finally {
      await narrow.close();
    }
  });
});
