// Complaints filed by channels and the portal (issue 15): POST /v1/complaints and GET /v1/complaints/{id}
// over real Postgres and Redis through buildApp: the turnaround clock from the configuration, the
// references checked against the caller, the Syrian-mobile check, the idempotent replay, and the
// complaint.logged event in the same transaction (the outbox).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BillSnapshot, ComplaintCreated, ComplaintView, ErrorBody, PaymentNotificationResponse, QueuedComplaint } from '@gateway/contracts';
import { anEvent } from '@gateway/testkit';
import { aPayment, startHarness, syp } from './support/harness.ts';
import type { Harness } from './support/harness.ts';

let h: Harness;
const now = new Date('2026-05-10T09:00:00.000Z');

beforeAll(async () => {
  // no_sms gets a turnaround of its own, so the test sees the configuration is read per type.
  h = await startHarness({ now, env: { COMPLAINT_TURNAROUND_NO_SMS: '2h' } });
});
afterAll(async () => {
  await h?.close();
});

async function aPaymentOf(as: 'bank-alpha' | 'wallet-one' = 'bank-alpha'): Promise<PaymentNotificationResponse & { channelTxnId: string; bill: BillSnapshot }> {
  const bill = await h.issueBill();
  const body = aPayment(bill, { paidAt: now.toISOString() });
  const res = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', { as, body });
  expect(res.status).toBe(201);
  return { ...res.body, channelTxnId: body.channelTxnId, bill };
}

/** Billing's word that the payment settled the bill, through the read model's own consumer handler. */
async function billingSettles(bill: BillSnapshot, paymentId: string): Promise<void> {
  await h.feed(
    anEvent('bill.settled', {
      payload: { ...bill, paidAmount: bill.amount, amountDue: syp(0), status: 'paid', revision: bill.revision + 1, settledAt: now.toISOString(), paymentIds: [paymentId], restoreService: true },
    }),
  );
}

const complaint = (overrides: Record<string, unknown> = {}) => ({
  type: 'paid_not_settled',
  msisdn: '0944123456',
  description: 'I paid yesterday and my line is still cut.',
  ...overrides,
});

async function loggedEvents(complaintId: string) {
  const { rows } = await h.db.pool.query<{ payload: { type: string; key: string; payload: Record<string, unknown> } }>(
    `SELECT payload FROM outbox WHERE payload->>'type' LIKE 'complaint.%' AND payload->>'key' = $1 ORDER BY id`,
    [complaintId],
  );
  return rows.map((r) => r.payload);
}

describe('POST /v1/complaints', () => {
  it('files a complaint on the caller’s own payment, due after its type’s turnaround, and announces it', async () => {
    const payment = await aPaymentOf();
    const res = await h.send<ComplaintCreated>('POST', '/v1/complaints', { body: complaint({ paymentId: payment.paymentId, accountNo: '0112345678' }) });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ complaintId: expect.stringMatching(/^cmp_/), status: 'logged', dueBy: '2026-05-11T09:00:00.000Z' });

    const got = await h.send<ComplaintView>('GET', `/v1/complaints/${res.body.complaintId}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      complaintId: res.body.complaintId,
      type: 'paid_not_settled',
      status: 'logged',
      paymentId: payment.paymentId,
      channelTxnId: null,
      intentId: null,
      accountNo: '0112345678',
      msisdn: '+963944123456',
      description: 'I paid yesterday and my line is still cut.',
      dueBy: '2026-05-11T09:00:00.000Z',
      resolution: null,
      // The automatic check: recorded here, but billing has not reported the bill paid yet.
      evidence: { check: 'paid_not_settled', stuckAt: 'billing', paymentId: payment.paymentId, paymentStatus: 'completed' },
    });

    const events = await loggedEvents(res.body.complaintId);
    expect(events).toHaveLength(1);
    expect(events[0]!.type).toBe('complaint.logged');
    expect(events[0]!.payload).toMatchObject({ complaintId: res.body.complaintId, status: 'logged', msisdn: '+963944123456', paymentId: payment.paymentId });
  });

  it('takes each type’s turnaround from the configuration (no_sms: 2h here) and a channelTxnId as the reference', async () => {
    const payment = await aPaymentOf();
    const res = await h.send<ComplaintCreated>('POST', '/v1/complaints', { body: complaint({ type: 'no_sms', channelTxnId: payment.channelTxnId, msisdn: '+963 944 123 456' }) });
    expect(res.status).toBe(201);
    expect(res.body.dueBy).toBe('2026-05-10T11:00:00.000Z');
  });

  it('replays the first answer under the same Idempotency-Key and records one complaint', async () => {
    const key = `complaint-${Date.now()}`;
    const body = complaint({ type: 'wrong_amount' });
    const first = await h.send<ComplaintCreated>('POST', '/v1/complaints', { as: 'citizen-portal', body, idempotencyKey: key });
    const again = await h.send<ComplaintCreated>('POST', '/v1/complaints', { as: 'citizen-portal', body, idempotencyKey: key });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await h.count('complaints', 'complaint_id = $1', [first.body.complaintId])).toBe(1);
    expect(await loggedEvents(first.body.complaintId)).toHaveLength(1);
    const other = await h.send<ErrorBody>('POST', '/v1/complaints', { as: 'citizen-portal', body: { ...body, description: 'another text' }, idempotencyKey: key });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');
  });

  it('refuses a number that is not a Syrian mobile (400 naming body.msisdn) and an unknown type (400)', async () => {
    const before = await h.count('complaints');
    for (const msisdn of ['0112345678', '+12025550123', '0944']) {
      const res = await h.send<ErrorBody>('POST', '/v1/complaints', { body: complaint({ msisdn }) });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(res.body.error.details?.['fields']).toEqual([{ field: 'body.msisdn', problem: expect.any(String) }]);
    }
    const badType = await h.send<ErrorBody>('POST', '/v1/complaints', { body: complaint({ type: 'line_cut' }) });
    expect(badType.status).toBe(400);
    expect(badType.body.error.code).toBe('invalid_request');
    expect(await h.count('complaints')).toBe(before);
  });

  it('answers 404 for a reference that is not the caller’s own, and only the filing client reads a complaint', async () => {
    const before = await h.count('complaints');
    const othersPayment = await aPaymentOf('wallet-one');
    for (const ref of [{ paymentId: othersPayment.paymentId }, { channelTxnId: othersPayment.channelTxnId }, { paymentId: 'pay_unknown' }, { intentId: 'pi_unknown' }]) {
      const res = await h.send<ErrorBody>('POST', '/v1/complaints', { body: complaint(ref) });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect(await h.count('complaints')).toBe(before);

    const mine = await h.send<ComplaintCreated>('POST', '/v1/complaints', { as: 'wallet-one', body: complaint({ paymentId: othersPayment.paymentId }) });
    expect(mine.status).toBe(201);
    for (const as of ['bank-alpha', 'citizen-portal'] as const) {
      const res = await h.send<ErrorBody>('GET', `/v1/complaints/${mine.body.complaintId}`, { as });
      expect(res.status).toBe(404);
    }
    expect((await h.send<ErrorBody>('GET', `/v1/complaints/${mine.body.complaintId}`, { as: 'operator-console' })).status).toBe(403);
    expect((await h.send<ErrorBody>('POST', '/v1/complaints', { as: 'operator-console', body: complaint() })).status).toBe(403);
  });
});

describe('the automatic first check', () => {
  it('resolves paid_not_settled with the evidence when billing settled the payment’s bill', async () => {
    const payment = await aPaymentOf();
    await billingSettles(payment.bill, payment.paymentId);
    const res = await h.send<ComplaintCreated>('POST', '/v1/complaints', { body: complaint({ channelTxnId: payment.channelTxnId }) });
    expect(res.status).toBe(201);
    const got = await h.send<ComplaintView>('GET', `/v1/complaints/${res.body.complaintId}`);
    expect(got.body).toMatchObject({
      status: 'resolved',
      resolution: expect.stringContaining(payment.receiptNo),
      evidence: { check: 'paid_not_settled', paymentId: payment.paymentId, paymentStatus: 'completed', bills: [{ billId: payment.bill.billId, billStatus: 'paid', reversed: false }] },
    });
    const events = await loggedEvents(res.body.complaintId);
    expect(events.map((e) => e.type)).toEqual(['complaint.logged', 'complaint.resolved']);
    expect(events[1]!.payload).toMatchObject({ status: 'resolved', resolvedBy: 'automatic-check', resolution: expect.stringContaining(payment.receiptNo) });
  });

  it('leaves a reversed payment in the queue saying where; a type checked after filing waits with no evidence yet', async () => {
    const payment = await aPaymentOf();
    expect((await h.send('POST', `/v1/payments/${payment.paymentId}/reversals`, { body: { reason: 'customer disputed' } })).status).toBe(201);
    const reversed = await h.send<ComplaintCreated>('POST', '/v1/complaints', { body: complaint({ paymentId: payment.paymentId }) });
    const got = await h.send<ComplaintView>('GET', `/v1/complaints/${reversed.body.complaintId}`);
    expect(got.body).toMatchObject({ status: 'logged', resolution: null, evidence: { stuckAt: 'reversed', paymentStatus: 'reversed' } });

    const doubleDebit = await h.send<ComplaintCreated>('POST', '/v1/complaints', { body: complaint({ type: 'double_debit', paymentId: payment.paymentId }) });
    const queued = await h.send<ComplaintView>('GET', `/v1/complaints/${doubleDebit.body.complaintId}`);
    // Its check needs the channel's word (flows/check-complaint.flow.ts, on complaint.logged; complaint-checks.test.ts).
    expect(queued.body).toMatchObject({ status: 'logged', evidence: null });
    expect((await loggedEvents(doubleDebit.body.complaintId)).map((e) => e.type)).toEqual(['complaint.logged']);
  });
});

describe('the operators’ complaint queue', () => {
  const asRana = { as: 'operator-console' as const, person: 'rana' };
  const audit = async (complaintId: string) =>
    (await h.db.pool.query<{ actor: string; action: string; detail: Record<string, unknown> }>('SELECT actor, action, detail FROM audit_log WHERE target = $1 ORDER BY id', [complaintId])).rows;

  it('lists a status’s complaints for operators only, and assign then resolve is audited with the person; a repeat changes nothing', async () => {
    const filed = await h.send<ComplaintCreated>('POST', '/v1/complaints', { body: complaint({ type: 'double_debit' }) });
    const id = filed.body.complaintId;
    const queue = await h.send<{ complaints: QueuedComplaint[] }>('GET', '/v1/complaints?status=logged&limit=100', { as: 'operator-console' });
    expect(queue.status).toBe(200);
    expect(queue.body.complaints.find((c) => c.complaintId === id)).toMatchObject({ status: 'logged', clientId: expect.stringMatching(/^bank-alpha-/), assignedTo: null });
    expect((await h.send('GET', '/v1/complaints?status=logged', { as: 'bank-alpha' })).status).toBe(403);
    expect((await h.send('POST', `/v1/complaints/${id}/assign`, { as: 'bank-alpha', body: {} })).status).toBe(403);

    const assigned = await h.send<QueuedComplaint>('POST', `/v1/complaints/${id}/assign`, { ...asRana, body: {} });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ status: 'assigned', assignedTo: expect.stringMatching(/^operator-console-.*\/rana$/) });
    const again = await h.send<QueuedComplaint>('POST', `/v1/complaints/${id}/assign`, { ...asRana, body: {} });
    expect(again.body).toEqual(assigned.body);

    const noNote = await h.send<ErrorBody>('POST', `/v1/complaints/${id}/resolve`, { ...asRana, body: {} });
    expect(noNote.status).toBe(400);
    expect(noNote.body.error.code).toBe('invalid_request');
    const resolved = await h.send<QueuedComplaint>('POST', `/v1/complaints/${id}/resolve`, { ...asRana, body: { note: 'The second debit was refunded on 2026-05-10.' } });
    expect(resolved.body).toMatchObject({ status: 'resolved', resolution: 'The second debit was refunded on 2026-05-10.' });
    expect((await h.send<QueuedComplaint>('POST', `/v1/complaints/${id}/resolve`, { ...asRana, body: { note: 'again' } })).body.resolution).toBe('The second debit was refunded on 2026-05-10.');
    const refused = await h.send<ErrorBody>('POST', `/v1/complaints/${id}/reject`, { ...asRana, body: { note: 'not ours' } });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'invalid_state', details: { status: 'resolved' } });

    const seen = await h.send<ComplaintView>('GET', `/v1/complaints/${id}`);
    expect(seen.body).toMatchObject({ status: 'resolved', resolution: 'The second debit was refunded on 2026-05-10.' });
    expect((await audit(id)).map((r) => [r.action, r.actor.endsWith('/rana'), r.detail['from']])).toEqual([
      ['complaint.assigned', true, 'logged'],
      ['complaint.resolved', true, 'assigned'],
    ]);
    expect((await loggedEvents(id)).map((e) => e.type)).toEqual(['complaint.logged', 'complaint.assigned', 'complaint.resolved']);
  });

  it('escalates and rejects with the reason, and answers 404 for an unknown complaint', async () => {
    const filed = await h.send<ComplaintCreated>('POST', '/v1/complaints', { body: complaint({ type: 'wrong_amount' }) });
    const id = filed.body.complaintId;
    expect((await h.send<QueuedComplaint>('POST', `/v1/complaints/${id}/escalate`, { ...asRana, body: null })).body.status).toBe('escalated');
    const rejected = await h.send<QueuedComplaint>('POST', `/v1/complaints/${id}/reject`, { ...asRana, body: { note: 'The amount was the bill’s amount due.' } });
    expect(rejected.body).toMatchObject({ status: 'rejected', resolution: 'The amount was the bill’s amount due.' });
    const events = await loggedEvents(id);
    expect(events.map((e) => e.type)).toEqual(['complaint.logged', 'complaint.escalated', 'complaint.rejected']);
    expect(events[1]!.payload).toMatchObject({ reason: 'operator', escalatedBy: expect.stringMatching(/\/rana$/) });
    expect((await audit(id)).map((r) => r.action)).toEqual(['complaint.escalated', 'complaint.rejected']);
    expect((await h.send<ErrorBody>('POST', '/v1/complaints/cmp_unknown/assign', { ...asRana, body: {} })).status).toBe(404);
  });
});
