// POST /v1/payments and the status inquiry, on real Postgres and Redis: every idempotency rule of
// docs/api.md, the channelTxnId rule, the cross-channel guard, the amount checks, allocation, fees, ledger
// and outbox.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PaymentNotificationResponse, PaymentStatusResponse } from '@gateway/contracts';
import { hashRequest } from '@gateway/kit';
import { aPayment, startHarness, syp } from './support/harness.ts';
import type { Harness } from './support/harness.ts';

describe('POST /v1/payments', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: '2026-05-10T09:00:00Z', redisDb: 9 });
  });
  afterAll(async () => {
    await h.close();
  });

  async function ledgerImbalances(): Promise<number> {
    return h.count('(SELECT txn_id FROM ledger_entries GROUP BY txn_id, currency HAVING sum(amount) <> 0) x');
  }

  it('records a payment in one go: 201 with a receipt, allocations, ledger entries and the outbox event', async () => {
    const bill = await h.issueBill();
    const res = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', { body: aPayment(bill) });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      paymentId: expect.stringMatching(/^pay_/),
      receiptNo: expect.stringMatching(/^RC-20260510-\d{6,}$/),
      status: 'completed',
      allocations: [{ billId: bill.billId, amount: syp(150_000) }],
      amount: syp(150_000),
      fee: syp(0),
    });
    const id = res.body.paymentId;
    expect(await h.count('payment_allocations', 'payment_id = $1', [id])).toBe(1);
    expect(await h.count('ledger_entries', 'txn_id = $1', [id])).toBe(2);
    expect(await ledgerImbalances()).toBe(0);
    const { rows } = await h.db.pool.query<{ payload: { type: string; payload: { paymentId: string; allocations: { externalBillId: string }[] } } }>(
      `SELECT payload FROM outbox WHERE topic = 'payments.payments' AND payload->'payload'->>'paymentId' = $1`,
      [id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.payload.type).toBe('payment.completed');
    expect(rows[0]!.payload.payload.allocations[0]!.externalBillId).toBe(bill.externalBillId);
  });

  it('replays the first response byte for byte with Idempotent-Replayed: true', async () => {
    const bill = await h.issueBill();
    const body = aPayment(bill);
    const first = await h.send('POST', '/v1/payments', { body, idempotencyKey: 'replay-1' });
    const second = await h.send('POST', '/v1/payments', { body, idempotencyKey: 'replay-1' });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.payload).toBe(first.payload);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await h.count('payments', 'channel_txn_id = $1', [body.channelTxnId])).toBe(1);
  });

  it('replays a refusal too: it was the answer', async () => {
    const bill = await h.issueBill();
    const body = aPayment(bill, { amount: syp(1) });
    const first = await h.send('POST', '/v1/payments', { body, idempotencyKey: 'refusal-1' });
    const second = await h.send('POST', '/v1/payments', { body, idempotencyKey: 'refusal-1' });
    expect(first.status).toBe(422);
    expect(first.body.error.code).toBe('amount_out_of_range');
    expect(second.payload).toBe(first.payload);
    expect(second.headers['idempotent-replayed']).toBe('true');
  });

  it('refuses the same key with another body: 422 idempotency_key_reused, and changes nothing', async () => {
    const bill = await h.issueBill();
    const body = aPayment(bill);
    expect((await h.send('POST', '/v1/payments', { body, idempotencyKey: 'reuse-1' })).status).toBe(201);
    const other = await h.send('POST', '/v1/payments', { body: { ...body, paidAt: '2026-05-10T08:00:01Z' }, idempotencyKey: 'reuse-1' });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    expect(await h.count('payments', 'account_no = $1', [bill.accountNo])).toBe(1);
  });

  it('scopes keys to the client: another channel may use the same key', async () => {
    const [a, b] = [await h.issueBill(), await h.issueBill()];
    expect((await h.send('POST', '/v1/payments', { body: aPayment(a), idempotencyKey: 'shared-key' })).status).toBe(201);
    expect((await h.send('POST', '/v1/payments', { as: 'wallet-one', body: aPayment(b), idempotencyKey: 'shared-key' })).status).toBe(201);
  });

  it('answers 409 idempotency_key_in_use while the first request with the key is still running', async () => {
    const bill = await h.issueBill();
    const body = aPayment(bill);
    // Hold the key the way a first request does: its row is written but not committed.
    const holder = await h.db.pool.connect();
    try {
      await holder.query('BEGIN');
      const bankClientId = await clientIdOf('bank-alpha');
      await holder.query(
        `INSERT INTO idempotency_keys (client_id, key, request_hash, status, expires_at, locked_until)
         VALUES ($1, 'busy-1', $2, 'in_progress', now() + interval '30 days', now() + interval '60 seconds')`,
        [bankClientId, hashRequest('POST', '/v1/payments', JSON.stringify(body))],
      );
      const res = await h.send('POST', '/v1/payments', { body, idempotencyKey: 'busy-1' });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('idempotency_key_in_use');
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    // Once the first gave up (rolled back), the retry runs.
    expect((await h.send('POST', '/v1/payments', { body, idempotencyKey: 'busy-1' })).status).toBe(201);
  }, 30_000);

  async function clientIdOf(prefix: string): Promise<string> {
    // The harness names clients "<prefix>-<run>"; a payment made by it tells us the full id.
    const bill = await h.issueBill();
    const res = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', { as: prefix as 'bank-alpha', body: aPayment(bill) });
    const { rows } = await h.db.pool.query<{ client_id: string }>('SELECT client_id FROM payments WHERE payment_id = $1', [res.body.paymentId]);
    return rows[0]!.client_id;
  }

  it('requires an Idempotency-Key: 400 invalid_request without one or with a malformed one', async () => {
    const bill = await h.issueBill();
    const none = await h.send('POST', '/v1/payments', { body: aPayment(bill), idempotencyKey: null });
    expect(none.status).toBe(400);
    expect(none.body.error.code).toBe('invalid_request');
    const bad = await h.send('POST', '/v1/payments', { body: aPayment(bill), idempotencyKey: 'has space' });
    expect(bad.status).toBe(400);
    expect(await h.count('payments', 'account_no = $1', [bill.accountNo])).toBe(0);
  });

  it('makes one payment of 50 concurrent identical requests, and gives all 50 the same body', async () => {
    const bill = await h.issueBill();
    const body = aPayment(bill);
    const replies = await Promise.all(Array.from({ length: 50 }, () => h.send('POST', '/v1/payments', { body, idempotencyKey: 'concurrent-50' })));
    const statuses = new Set(replies.map((r) => r.status));
    expect([...statuses]).toEqual([201]);
    expect(new Set(replies.map((r) => r.payload)).size).toBe(1);
    expect(replies.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(49);
    expect(await h.count('payments', 'account_no = $1', [bill.accountNo])).toBe(1);
    expect(await h.count('outbox', `payload->'payload'->>'accountNo' = $1`, [bill.accountNo])).toBe(1);
  }, 60_000);

  it('still makes one payment when Redis is flushed between two identical requests (Postgres is the truth)', async () => {
    const bill = await h.issueBill();
    const body = aPayment(bill);
    const first = await h.send('POST', '/v1/payments', { body, idempotencyKey: 'flush-1' });
    await h.redis.flushdb();
    const second = await h.send('POST', '/v1/payments', { body, idempotencyKey: 'flush-1' });
    expect(first.status).toBe(201);
    expect(second.payload).toBe(first.payload);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(await h.count('payments', 'account_no = $1', [bill.accountNo])).toBe(1);
  });

  it('returns the original payment for the same channelTxnId and content under a new key', async () => {
    const bill = await h.issueBill();
    const body = aPayment(bill);
    const first = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', { body });
    // Same content, keys in another order: still the same payment.
    const reordered = { paidAt: body.paidAt, amount: body.amount, billIds: body.billIds, accountNo: body.accountNo, billerId: body.billerId, channelTxnId: body.channelTxnId };
    const again = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', { body: reordered });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await h.count('payments', 'account_no = $1', [bill.accountNo])).toBe(1);
  });

  it('makes one payment of 10 concurrent requests with the same channelTxnId and content under 10 keys, and answers all 10 with it', async () => {
    const bill = await h.issueBill();
    const body = aPayment(bill);
    const replies = await Promise.all(Array.from({ length: 10 }, () => h.send<PaymentNotificationResponse>('POST', '/v1/payments', { body })));
    expect(replies.map((r) => r.status)).toEqual(Array.from({ length: 10 }, () => 201));
    expect(new Set(replies.map((r) => r.body.paymentId)).size).toBe(1);
    expect(await h.count('payments', 'channel_txn_id = $1', [body.channelTxnId])).toBe(1);
  });

  it("takes a channelTxnId with quotes and backslashes as it is (it reaches SQL as an escaped literal)", async () => {
    const bill = await h.issueBill();
    const body = aPayment(bill, { channelTxnId: `it's\\'; SELECT 1; --${bill.billId}` });
    const first = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', { body });
    expect(first.status).toBe(201);
    const again = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', { body });
    expect(again.body.paymentId).toBe(first.body.paymentId);
    expect(await h.count('payments', 'channel_txn_id = $1', [body.channelTxnId])).toBe(1);
  });

  it('refuses the same channelTxnId with another key and another body: 409 duplicate_payment', async () => {
    const bill = await h.issueBill({ allowPartial: true, minAmount: syp(1_000) });
    const body = aPayment(bill, { amount: syp(50_000) });
    expect((await h.send('POST', '/v1/payments', { body })).status).toBe(201);
    const dup = await h.send('POST', '/v1/payments', { body: { ...body, amount: syp(60_000) } });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('duplicate_payment');
    // The same channelTxnId on another channel is another transaction.
    const other = await h.send('POST', '/v1/payments', { as: 'wallet-one', body: { ...body, amount: syp(60_000) } });
    expect(other.status).toBe(201);
  });

  it('lets exactly one of two channels paying the same bill at once succeed; the other gets 409 bill_already_paid', async () => {
    for (let round = 0; round < 5; round++) {
      const bill = await h.issueBill();
      const [a, b] = await Promise.all([
        h.send('POST', '/v1/payments', { as: 'bank-alpha', body: aPayment(bill) }),
        h.send('POST', '/v1/payments', { as: 'wallet-one', body: aPayment(bill) }),
      ]);
      expect([a.status, b.status].sort()).toEqual([201, 409]);
      const refused = a.status === 409 ? a : b;
      expect(refused.body.error.code).toBe('bill_already_paid');
      expect(await h.count('payment_allocations', 'bill_id = $1', [bill.billId])).toBe(1);
    }
  });

  describe('amount checks', () => {
    it('refuses more than is due (no overpayment)', async () => {
      const bill = await h.issueBill();
      const res = await h.send('POST', '/v1/payments', { body: aPayment(bill, { amount: syp(150_001) }) });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('amount_out_of_range');
    });

    it('refuses a partial payment of a bill that takes none, and one below the minimum', async () => {
      const full = await h.issueBill();
      const partial = await h.send('POST', '/v1/payments', { body: aPayment(full, { amount: syp(100_000) }) });
      expect(partial.status).toBe(422);
      expect(partial.body.error.code).toBe('amount_out_of_range');
      const flexible = await h.issueBill({ allowPartial: true, minAmount: syp(10_000) });
      const low = await h.send('POST', '/v1/payments', { body: aPayment(flexible, { amount: syp(9_999) }) });
      expect(low.status).toBe(422);
      expect(low.body.error.code).toBe('amount_out_of_range');
      const ok = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', { body: aPayment(flexible, { amount: syp(10_000) }) });
      expect(ok.status).toBe(201);
      // The rest may be below the minimum: it settles the bill.
      const rest = await h.send('POST', '/v1/payments', { body: aPayment(flexible, { amount: syp(140_000) }) });
      expect(rest.status).toBe(201);
      const more = await h.send('POST', '/v1/payments', { body: aPayment(flexible, { amount: syp(10_000) }) });
      expect(more.status).toBe(409);
      expect(more.body.error.code).toBe('bill_already_paid');
    });

    it('refuses another currency: 422 currency_mismatch', async () => {
      const bill = await h.issueBill();
      const res = await h.send('POST', '/v1/payments', { body: aPayment(bill, { amount: { amount: 150_000, currency: 'USD' } }) });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('currency_mismatch');
    });

    it('answers biller_not_found, account_not_found and no_amount_due', async () => {
      const bill = await h.issueBill();
      const biller = await h.send('POST', '/v1/payments', { body: aPayment(bill, { billerId: 'no-such-biller' }) });
      expect(biller.status).toBe(404);
      expect(biller.body.error.code).toBe('biller_not_found');
      const account = await h.send('POST', '/v1/payments', { body: aPayment(bill, { accountNo: '0119999999', billIds: undefined }) });
      expect(account.status).toBe(404);
      expect(account.body.error.code).toBe('account_not_found');
      const zero = await h.issueBill({ amount: syp(0), amountDue: syp(0), minAmount: syp(0), maxAmount: syp(0) });
      const none = await h.send('POST', '/v1/payments', { body: aPayment(zero, { amount: syp(100) }) });
      expect(none.status).toBe(409);
      expect(none.body.error.code).toBe('no_amount_due');
    });

    it('refuses a malformed amount (a float) with 400, never 5xx', async () => {
      const bill = await h.issueBill();
      const res = await h.send('POST', '/v1/payments', { body: aPayment(bill, { amount: { amount: 1500.5, currency: 'SYP' } }) });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    });
  });

  it('allocates to the oldest open bills first when no billIds are named', async () => {
    const old = await h.issueBill({ allowPartial: true, minAmount: syp(1_000), period: { from: '2026-01-01', to: '2026-02-28' }, dueDate: '2026-03-31' });
    const recent = await h.issueBill({
      accountNo: old.accountNo,
      allowPartial: true,
      minAmount: syp(1_000),
      period: { from: '2026-03-01', to: '2026-04-30' },
      dueDate: '2026-05-31',
    });
    const res = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', { body: aPayment(old, { billIds: undefined, amount: syp(200_000) }) });
    expect(res.status).toBe(201);
    expect(res.body.allocations).toEqual([
      { billId: old.billId, amount: syp(150_000) },
      { billId: recent.billId, amount: syp(50_000) },
    ]);
  });

  it('charges the configured fee on non-essential bills only, and books it in the ledger', async () => {
    const fee = await h.issueBill({ billerId: 'civil-registry', essential: false, amount: syp(20_000), amountDue: syp(20_000), minAmount: syp(20_000), maxAmount: syp(20_000) });
    const res = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', { body: aPayment(fee) });
    expect(res.status).toBe(201);
    expect(res.body.fee).toEqual(syp(500));
    const { rows } = await h.db.pool.query<{ account: string; amount: string }>('SELECT account, amount FROM ledger_entries WHERE txn_id = $1 ORDER BY entry_no', [
      res.body.paymentId,
    ]);
    expect(rows.map((r) => [r.account, Number(r.amount)])).toEqual([
      ['channel:bank-alpha:receivable', 20_500],
      ['biller:civil-registry:payable', -20_000],
      ['gateway:fee-income', -500],
    ]);
  });

  it('is for channel clients only: 403 for the portal, 401 unsigned', async () => {
    const bill = await h.issueBill();
    const portal = await h.send('POST', '/v1/payments', { as: 'citizen-portal', body: aPayment(bill) });
    expect(portal.status).toBe(403);
    expect(portal.body.error.code).toBe('forbidden');
    const unsigned = await h.send('POST', '/v1/payments', { as: 'unsigned', body: aPayment(bill) });
    expect(unsigned.status).toBe(401);
  });

  it('numbers receipts from the receipt sequence: padded to six digits, never cut past them', async () => {
    const pay = async () => (await h.send<PaymentNotificationResponse>('POST', '/v1/payments', { body: aPayment(await h.issueBill()) })).body.receiptNo;
    await h.db.pool.query(`SELECT setval('receipt_no_seq', 41)`);
    expect(await pay()).toBe('RC-20260510-000042');
    await h.db.pool.query(`SELECT setval('receipt_no_seq', 1234566)`);
    expect(await pay()).toBe('RC-20260510-1234567');
  });

  describe('status inquiry', () => {
    it('shows a payment to its own client, by id and by channelTxnId, and 404 to any other client', async () => {
      const bill = await h.issueBill();
      const body = aPayment(bill);
      const paid = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', { body });
      const byId = await h.send<PaymentStatusResponse>('GET', `/v1/payments/${paid.body.paymentId}`);
      expect(byId.status).toBe(200);
      expect(byId.body).toMatchObject({
        paymentId: paid.body.paymentId,
        receiptNo: paid.body.receiptNo,
        status: 'completed',
        channelTxnId: body.channelTxnId,
        accountNo: bill.accountNo,
        businessDate: '2026-05-10',
        paidAt: '2026-05-10T08:00:00.000Z',
      });
      const byTxn = await h.send<PaymentStatusResponse>('GET', `/v1/payments?channelTxnId=${body.channelTxnId}`);
      expect(byTxn.body.paymentId).toBe(paid.body.paymentId);
      const other = await h.send('GET', `/v1/payments/${paid.body.paymentId}`, { as: 'wallet-one' });
      expect(other.status).toBe(404);
      expect(other.body.error.code).toBe('not_found');
      const otherTxn = await h.send('GET', `/v1/payments?channelTxnId=${body.channelTxnId}`, { as: 'wallet-one' });
      expect(otherTxn.status).toBe(404);
    });
  });
});
