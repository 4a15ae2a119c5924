// The customer's SMS about their complaint (issue 15), end to end over real Kafka, Postgres and SMPP
// (the simulator on a TCP port): complaint.logged gives the reference, the type and the due day;
// complaint.resolved and complaint.rejected the answer; assigned and escalated text nobody; a
// redelivered event texts nobody twice; a STOP does not silence a complaint's answer. The operators
// find these SMS by the subscriber (GET /v1/messages) and by the complaint (GET /v1/payment-messages).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EventOf } from '@gateway/contracts';
import { anEvent, waitFor } from '@gateway/testkit';
import { v7 as uuidv7 } from 'uuid';
import { billFor } from './support/bill-events.ts';
import { startHarness } from './support/notification-harness.ts';
import type { Harness } from './support/notification-harness.ts';
import { startOperatorApi } from './support/operator-api.ts';
import type { OperatorApi } from './support/operator-api.ts';

let h: Harness;
let api: OperatorApi;
let nextNumber = 700_000;
const aMobile = () => `+963944${String(nextNumber++).padStart(6, '0')}`;

beforeAll(async () => {
  h = await startHarness({ receiptDelayMs: 100 });
  api = await startOperatorApi({ name: 'notification-complaint-sms', db: h.db });
});
afterAll(async () => {
  await api?.close();
  await h?.close();
});

// 21:30 UTC on 20 Dec is 00:30 on 21 Dec in Damascus (UTC+3): the SMS must name the 21st.
const dueBy = '2026-12-20T21:30:00.000Z';

function logged(msisdn: string, overrides: Partial<EventOf<'complaint.logged'>['payload']> = {}): EventOf<'complaint.logged'> {
  // No account by default: the language would follow another test's bill of the example's account.
  return anEvent('complaint.logged', { payload: { complaintId: `cmp_${uuidv7()}`, msisdn, dueBy, type: 'double_debit', accountNo: null, ...overrides } });
}

function resolved(complaint: EventOf<'complaint.logged'>, resolution: string, occurredAt?: string): EventOf<'complaint.resolved'> {
  return anEvent('complaint.resolved', {
    occurredAt,
    payload: { ...complaint.payload, status: 'resolved', resolution, resolvedBy: 'operator-console/rana', resolvedAt: new Date().toISOString() },
  });
}

/** The complaint SMS queued for `recipient`, oldest first. */
async function rowsFor(recipient: string) {
  const { rows } = await h.db.pool.query<{ template: string; state: string; body: string; urgent: boolean }>(
    `SELECT template, state, body, urgent FROM sms_messages WHERE recipient = $1 AND template LIKE 'complaint\\_%' ORDER BY created_at, message_id`,
    [recipient],
  );
  return rows;
}

/** Everything delivered before this was handled: the topic has one partition, so a later marker is queued after it. */
async function drained(): Promise<void> {
  const marker = aMobile();
  await h.deliver([logged(marker)]);
  await waitFor(async () => (await rowsFor(marker)).length === 1, { timeoutMs: 30_000, message: 'marker complaint queued' });
}

/** The whole messages the simulator received for `to` that contain `text`. */
const atSmsc = async (to: string, text: string) => (await h.received(to)).filter((m) => m.complete && m.text.includes(text));

describe('complaint SMS', () => {
  it('texts the filing once with the reference, the type in words and the Damascus due day, and the resolution as a second SMS; a redelivery texts nobody again', async () => {
    const to = aMobile();
    const complaint = logged(to);
    const ref = complaint.payload.complaintId;
    await h.deliver([complaint], 2);
    // The same filing re-published under a new event id (a relay that ran twice) is the same SMS.
    await h.deliver([{ ...complaint, eventId: uuidv7() }]);
    await waitFor(async () => (await atSmsc(to, ref)).length === 1, { timeoutMs: 30_000, message: 'filing SMS at the SMSC' });

    const [filed] = await atSmsc(to, ref);
    // No bill of this number is known: Arabic, the default.
    expect(filed!.text).toBe(`سجّلنا شكواك (اقتطاع مكرر) برقم ${ref}، وسنرد عليها قبل ٢١ كانون الأول ٢٠٢٦.`);

    const answer = resolved(complaint, 'The second debit was reversed by the bank on 2026-12-19.');
    await h.deliver([answer, answer, { ...answer, eventId: uuidv7() }]);
    await waitFor(async () => (await atSmsc(to, ref)).length === 2, { timeoutMs: 30_000, message: 'resolution SMS at the SMSC' });
    await drained();

    const texts = (await atSmsc(to, ref)).map((m) => m.text);
    expect(texts).toHaveLength(2);
    expect(texts).toContain(`حُلّت شكواك رقم ${ref}: The second debit was reversed by the bank on 2026-12-19.`);
    expect((await rowsFor(to)).map((r) => [r.template, r.urgent])).toEqual([
      ['complaint_logged', true],
      ['complaint_resolved', true],
    ]);
  });

  it('writes in the language of the bills of that mobile, texts a filing resolved at once in order, and shortens a long resolution to three parts', async () => {
    const to = aMobile();
    await h.deliver([billFor(to, 'en')]);
    // The bill topic is another topic: its snapshot must be in the read model before the complaint is read.
    await waitFor(async () => (await h.db.pool.query('SELECT 1 FROM bill_contacts WHERE msisdn = $1', [to])).rowCount === 1, {
      timeoutMs: 30_000,
      message: 'bill contact stored',
    });
    const complaint = logged(to, { type: 'paid_not_settled' });
    const ref = complaint.payload.complaintId;
    const long = Array.from({ length: 200 }, (_, i) => `word${i}`).join(' ');
    // Resolved by the automatic check at filing: orchestration publishes both at one instant.
    await h.deliver([complaint, resolved(complaint, long, complaint.occurredAt)]);
    await waitFor(async () => (await atSmsc(to, ref)).filter((m) => m.deliveredAt !== undefined).length === 2, {
      timeoutMs: 30_000,
      message: 'both SMS delivered',
    });

    const [filed, answer] = (await rowsFor(to)).map((r) => r.body);
    expect(filed).toBe(`We logged your complaint (paid but bill not settled), reference ${ref}. We will answer by 21 Dec 2026.`);
    expect(answer).toMatch(new RegExp(`^Your complaint ${ref} is resolved: word0 word1 .* word\\d+\\.\\.\\.$`));
    const received = (await atSmsc(to, 'is resolved'))[0]!;
    expect(received.parts).toHaveLength(3);
    expect(received.text).toBe(answer);
    expect((await atSmsc(to, ref)).map((m) => m.text)).toEqual([filed, answer]);
  });

  it('tells the customer of a rejection with its reason, and texts nobody for assigned or escalated', async () => {
    const to = aMobile();
    const complaint = logged(to);
    const ref = complaint.payload.complaintId;
    const base = complaint.payload;
    await h.deliver([
      complaint,
      anEvent('complaint.assigned', { payload: { ...base, status: 'assigned', assignedTo: 'operator-console/rana', assignedAt: new Date().toISOString() } }),
      anEvent('complaint.escalated', {
        payload: { ...base, status: 'escalated', reason: 'due', escalatedBy: 'turnaround-clock', escalatedAt: new Date().toISOString() },
      }),
      anEvent('complaint.rejected', {
        payload: { ...base, status: 'rejected', resolution: 'Both debits are for different bills.', rejectedBy: 'operator-console/rana', rejectedAt: new Date().toISOString() },
      }),
    ]);
    await waitFor(async () => (await atSmsc(to, ref)).length === 2, { timeoutMs: 30_000, message: 'filing and rejection at the SMSC' });
    await drained();

    expect((await rowsFor(to)).map((r) => r.template)).toEqual(['complaint_logged', 'complaint_rejected']);
    expect((await atSmsc(to, ref)).map((m) => m.text)).toContain(`لم تُقبل شكواك رقم ${ref}: Both debits are for different bills.`);
  });

  it('reaches a customer who sent STOP: a complaint is their own case, not marketing', async () => {
    const to = aMobile();
    await h.mobileOriginated(to, 'STOP');
    await waitFor(async () => (await h.db.pool.query('SELECT 1 FROM opt_outs WHERE msisdn = $1 AND opted_out', [to])).rowCount === 1, {
      timeoutMs: 30_000,
      message: 'STOP applied',
    });
    const complaint = logged(to);
    await h.deliver([complaint]);
    await waitFor(async () => (await atSmsc(to, complaint.payload.complaintId)).length === 1, { timeoutMs: 30_000, message: 'filing SMS at the SMSC' });
    expect((await rowsFor(to)).find((r) => r.template === 'complaint_logged')?.state).not.toBe('suppressed');
  });

  it('shows a complaint’s SMS to the operators by subscriber and by complaint id, and nobody else’s', async () => {
    const to = aMobile();
    const complaint = logged(to, { paymentId: null, accountNo: null });
    const other = logged(to);
    const ref = complaint.payload.complaintId;
    await h.deliver([complaint, other, resolved(complaint, 'Settled.')]);
    await waitFor(async () => (await atSmsc(to, 'cmp_')).length === 3, { timeoutMs: 30_000, message: 'three SMS at the SMSC' });

    const bySubscriber = await api.send<{ messages: { template: string; accountNo: string | null; body: string }[] }>('GET', `/v1/messages?to=${encodeURIComponent(to)}`);
    expect(bySubscriber.status).toBe(200);
    expect(bySubscriber.body.messages.map((m) => m.template).sort()).toEqual(['complaint_logged', 'complaint_logged', 'complaint_resolved']);
    expect(bySubscriber.body.messages.find((m) => m.body.includes(ref) && m.template === 'complaint_logged')?.accountNo).toBeNull();

    const byComplaint = await api.send<{ messages: { template: string; recipient: string; body: string }[] }>('GET', `/v1/payment-messages?complaintId=${ref}`);
    expect(byComplaint.status).toBe(200);
    expect(byComplaint.body.messages.map((m) => m.template)).toEqual(['complaint_logged', 'complaint_resolved']);
    expect(byComplaint.body.messages.every((m) => m.recipient === to && m.body.includes(ref))).toBe(true);

    expect((await api.send('GET', '/v1/payment-messages?complaintId=pay_01900000-0000-7000-8000-000000000000')).status).toBe(400);
  });
});
