// A public entity's one transfer for all its lines (issue 16): POST /v1/payments with entityId, on real
// Postgres and Redis, the entity's bills fed to the read model through the real bill.* handler. The
// amount goes to the entity's open bills across its lines, earliest due date first, in one payment
// (one receipt, one ledger transaction, one payment.completed naming each allocation's line); the last
// bill reached is paid in part only as the partial-payment rules of its snapshot allow, else the whole
// transfer is refused. The same flow over billing, Kafka and the statement is in
// entity-payment-across-services.test.ts.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BillSnapshot, ErrorBody, PaymentNotificationResponse, PaymentStatusResponse, ReversalResponse } from '@gateway/contracts';
import { aLandline, startHarness, syp } from './support/harness.ts';
import type { Harness } from './support/harness.ts';

const holderOf = (entityId: string) => ({ class: 'public_entity' as const, name: 'Ministry of Health', msisdn: '+963944000111', entityId, locale: 'ar' as const });

describe('POST /v1/payments with entityId', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: '2026-05-10T09:00:00Z', redisDb: 10 });
  });
  afterAll(async () => {
    await h.close();
  });

  /**
   * An entity with `count` lines, one bill each of 300,000 + i × 1,000, due on distinct days that are
   * neither in line order nor in period order (so the order paid is the due date's alone);
   * the public-entity rules of billing's policy: partial payments of at least 1,000.00 SYP.
   */
  async function anEntity(count: number): Promise<{ entityId: string; bills: BillSnapshot[] }> {
    const entityId = `ent-${randomUUID().slice(0, 8)}`;
    const bills: BillSnapshot[] = [];
    for (let i = 0; i < count; i++) {
      const amount = syp(300_000 + i * 1_000);
      const day = String(1 + ((i * 5) % count)).padStart(2, '0');
      bills.push(
        await h.issueBill({
          accountNo: aLandline(),
          holder: holderOf(entityId),
          // Lines on cycles of their own: the later a bill falls due, the earlier its period began, so
          // paying by period (one account's rule) would take them in the opposite order.
          period: { from: `2026-03-${String(29 - Number(day)).padStart(2, '0')}`, to: '2026-03-31' },
          issueDate: '2026-04-01',
          dueDate: `2026-04-${day}`,
          amount,
          amountDue: amount,
          maxAmount: amount,
          allowPartial: true,
          minAmount: syp(100_000),
        }),
      );
    }
    bills.sort((a, b) => (a.dueDate < b.dueDate ? -1 : 1));
    return { entityId, bills };
  }

  const anEntityPayment = (entityId: string, amount: number, overrides: Record<string, unknown> = {}) => ({
    channelTxnId: `txn-${randomUUID()}`,
    billerId: 'telecom',
    entityId,
    amount: syp(amount),
    paidAt: '2026-05-10T08:00:00Z',
    ...overrides,
  });
  const total = (bills: readonly BillSnapshot[]) => bills.reduce((s, b) => s + b.amountDue.amount, 0);

  it('pays the oldest due bills across the lines in one payment, each allocation with its line, and leaves the rest open', async () => {
    const { entityId, bills } = await anEntity(12);
    const paid = bills.slice(0, 7);
    const amount = total(paid);
    const res = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', { body: anEntityPayment(entityId, amount) });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      paymentId: expect.stringMatching(/^pay_/),
      receiptNo: expect.stringMatching(/^RC-20260510-\d{6,}$/),
      status: 'completed',
      entityId,
      allocations: paid.map((b) => ({ billId: b.billId, accountNo: b.accountNo, amount: b.amountDue })),
      amount: syp(amount),
      // Telecom bills are essential: no fee, whoever pays them.
      fee: syp(0),
    });
    const id = res.body.paymentId;
    // One payment: one row, one ledger transaction, one outbox event naming every allocation's line.
    expect(await h.count('payments', 'entity_id = $1', [entityId])).toBe(1);
    expect(await h.count('payment_allocations', 'payment_id = $1', [id])).toBe(7);
    expect(await h.count('ledger_entries', 'txn_id = $1', [id])).toBe(2);
    const { rows } = await h.db.pool.query<{ payload: { payload: { accountNo: string; entityId: string; allocations: { billId: string; accountNo: string }[] } } }>(
      `SELECT payload FROM outbox WHERE topic = 'payments.payments' AND payload->'payload'->>'paymentId' = $1`,
      [id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.payload.payload).toMatchObject({ accountNo: entityId, entityId });
    expect(rows[0]!.payload.payload.allocations.map((a) => [a.billId, a.accountNo])).toEqual(paid.map((b) => [b.billId, b.accountNo]));

    // The status inquiry tells the same: the entity and each allocation's line.
    const status = await h.send<PaymentStatusResponse>('GET', `/v1/payments/${id}`);
    expect(status.body.entityId).toBe(entityId);
    expect([...status.body.allocations].sort((a, b) => (a.billId < b.billId ? -1 : 1))).toEqual(
      paid.map((b) => ({ billId: b.billId, accountNo: b.accountNo, amount: b.amountDue })).sort((a, b) => (a.billId < b.billId ? -1 : 1)),
    );

    // The other five stay open: the next transfer for exactly their total pays them and no more.
    const rest = bills.slice(7);
    const second = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', { body: anEntityPayment(entityId, total(rest)) });
    expect(second.status).toBe(201);
    expect(second.body.allocations.map((a) => a.billId)).toEqual(rest.map((b) => b.billId));
    const nothingLeft = await h.send('POST', '/v1/payments', { body: anEntityPayment(entityId, 100_000) });
    expect([nothingLeft.status, nothingLeft.body.error.code]).toEqual([409, 'bill_already_paid']);
  });

  it('replays the first answer for the same key, and the same payment for the same channelTxnId under a new key', async () => {
    const { entityId, bills } = await anEntity(3);
    const body = anEntityPayment(entityId, total(bills.slice(0, 2)));
    const first = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', { body, idempotencyKey: 'entity-replay-1' });
    const again = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', { body, idempotencyKey: 'entity-replay-1' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.payload).toBe(first.payload);
    const retried = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', { body });
    expect(retried.status).toBe(201);
    expect(retried.body.paymentId).toBe(first.body.paymentId);
    expect(retried.body.entityId).toBe(entityId);
    expect(retried.body.allocations.map((a) => a.accountNo).sort()).toEqual(bills.slice(0, 2).map((b) => b.accountNo).sort());
    // The same channelTxnId for the entity's other amount, or for one of its accounts, is another payment.
    const other = await h.send('POST', '/v1/payments', { body: { ...body, amount: syp(total(bills)) } });
    expect([other.status, other.body.error.code]).toEqual([409, 'duplicate_payment']);
    expect(await h.count('payments', 'entity_id = $1', [entityId])).toBe(1);
  });

  it('pays the last bill reached in part when its rules allow (at least its minimum), and refuses the transfer otherwise', async () => {
    const { entityId, bills } = await anEntity(4);
    const wholeTwo = total(bills.slice(0, 2));

    // 500.00 SYP onto the third bill is below its 1,000.00 minimum: the whole transfer is refused and
    // nothing is recorded (the bank still holds the money and can send an amount that fits).
    const below = await h.send<ErrorBody>('POST', '/v1/payments', { body: anEntityPayment(entityId, wholeTwo + 50_000) });
    expect(below.status).toBe(422);
    expect(below.body.error.code).toBe('amount_out_of_range');
    expect(below.body.error.message).toContain(bills[2]!.billId);
    expect(await h.count('payments', 'entity_id = $1', [entityId])).toBe(0);

    // Over everything due: refused, no overpayment.
    const over = await h.send<ErrorBody>('POST', '/v1/payments', { body: anEntityPayment(entityId, total(bills) + 1) });
    expect([over.status, over.body.error.code]).toEqual([422, 'amount_out_of_range']);

    // 1,200.00 SYP onto the third bill meets its minimum: paid in part, the fourth untouched.
    const partial = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', { body: anEntityPayment(entityId, wholeTwo + 120_000) });
    expect(partial.status).toBe(201);
    expect(partial.body.allocations).toEqual([
      { billId: bills[0]!.billId, accountNo: bills[0]!.accountNo, amount: bills[0]!.amountDue },
      { billId: bills[1]!.billId, accountNo: bills[1]!.accountNo, amount: bills[1]!.amountDue },
      { billId: bills[2]!.billId, accountNo: bills[2]!.accountNo, amount: syp(120_000) },
    ]);
  });

  it('pays the bills it names, of any of its lines, and refuses a bill of another holder', async () => {
    const { entityId, bills } = await anEntity(3);
    const named = [bills[2]!, bills[0]!];
    const res = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', { body: anEntityPayment(entityId, total(named), { billIds: named.map((b) => b.billId) }) });
    expect(res.status).toBe(201);
    expect(res.body.allocations).toEqual([bills[0]!, bills[2]!].map((b) => ({ billId: b.billId, accountNo: b.accountNo, amount: b.amountDue })));
    const stranger = await h.issueBill();
    const foreign = await h.send<ErrorBody>('POST', '/v1/payments', { body: anEntityPayment(entityId, stranger.amountDue.amount, { billIds: [stranger.billId] }) });
    expect([foreign.status, foreign.body.error.code]).toEqual([404, 'not_found']);
  });

  it('reverses an entity payment as one: every line it paid is open again, and payment.reversed names the entity', async () => {
    const { entityId, bills } = await anEntity(3);
    const body = anEntityPayment(entityId, total(bills));
    const paid = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', { body });
    expect(paid.status).toBe(201);
    const reversed = await h.send<ReversalResponse>('POST', `/v1/payments/${paid.body.paymentId}/reversals`, { body: { reason: 'treasury error' } });
    expect([reversed.status, reversed.body.status]).toEqual([201, 'completed']);
    const { rows } = await h.db.pool.query<{ payload: { payload: { accountNo: string; entityId?: string; allocations: { billId: string }[] } } }>(
      `SELECT payload FROM outbox WHERE payload->>'type' = 'payment.reversed' AND payload->'payload'->>'paymentId' = $1`,
      [paid.body.paymentId],
    );
    expect(rows.map((r) => [r.payload.payload.accountNo, r.payload.payload.entityId, r.payload.payload.allocations.length])).toEqual([[entityId, entityId, 3]]);
    // The money is back: the same amount can be paid again, under a new channel transaction.
    const again = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', { body: anEntityPayment(entityId, total(bills)) });
    expect(again.status).toBe(201);
    expect(again.body.allocations.map((a) => a.billId)).toEqual(bills.map((b) => b.billId));
  });

  it('refuses a partial amount when the bill reached takes none', async () => {
    const entityId = `ent-${randomUUID().slice(0, 8)}`;
    const whole = { allowPartial: false, minAmount: syp(150_000), maxAmount: syp(150_000) };
    const first = await h.issueBill({ accountNo: aLandline(), holder: holderOf(entityId), dueDate: '2026-04-01', ...whole });
    await h.issueBill({ accountNo: aLandline(), holder: holderOf(entityId), dueDate: '2026-04-02', ...whole });
    const res = await h.send<ErrorBody>('POST', '/v1/payments', { body: anEntityPayment(entityId, first.amountDue.amount + 120_000) });
    expect([res.status, res.body.error.code]).toEqual([422, 'amount_out_of_range']);
    expect(res.body.error.message).toContain('partial payment is not allowed');
  });

  it('answers account_not_found for an entity with no bills, and leaves other holders\' bills out', async () => {
    const stranger = await h.issueBill();
    const res = await h.send<ErrorBody>('POST', '/v1/payments', { body: anEntityPayment(`ent-${randomUUID().slice(0, 8)}`, stranger.amountDue.amount) });
    expect([res.status, res.body.error.code]).toEqual([404, 'account_not_found']);
    expect(await h.count('payment_allocations', 'bill_id = $1', [stranger.billId])).toBe(0);
  });

  it('takes an entity payment from bank channels only, with exactly one of accountNo and entityId, and no inquiryRef', async () => {
    const { entityId, bills } = await anEntity(1);
    const amount = bills[0]!.amountDue.amount;
    const wallet = await h.send<ErrorBody>('POST', '/v1/payments', { as: 'wallet-one', body: anEntityPayment(entityId, amount) });
    expect([wallet.status, wallet.body.error.code]).toEqual([403, 'forbidden']);
    const portal = await h.send<ErrorBody>('POST', '/v1/payments', { as: 'citizen-portal', body: anEntityPayment(entityId, amount) });
    expect([portal.status, portal.body.error.code]).toEqual([403, 'forbidden']);

    const both = await h.send<ErrorBody>('POST', '/v1/payments', { body: anEntityPayment(entityId, amount, { accountNo: bills[0]!.accountNo }) });
    expect([both.status, both.body.error.code]).toEqual([400, 'invalid_request']);
    expect(both.body.error.message).toContain('entityId');
    const { entityId: _dropped, ...neither } = anEntityPayment(entityId, amount);
    const none = await h.send<ErrorBody>('POST', '/v1/payments', { body: neither });
    expect([none.status, none.body.error.code]).toEqual([400, 'invalid_request']);
    expect(none.body.error.message).toContain('accountNo');
    const quoted = await h.send<ErrorBody>('POST', '/v1/payments', { body: anEntityPayment(entityId, amount, { inquiryRef: 'inq-anything' }) });
    expect([quoted.status, quoted.body.error.code]).toEqual([400, 'invalid_request']);
    expect(quoted.body.error.message).toContain('inquiryRef');
    expect(await h.count('payments', 'entity_id = $1', [entityId])).toBe(0);
  });
});
