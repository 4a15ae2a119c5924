// End to end over real Kafka, real Postgres and real SMPP (the simulator on a TCP port): events in,
// SMS at the SMSC, receipts back. See support/notification-harness.ts.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { money } from '@gateway/contracts';
import { anEvent, waitFor } from '@gateway/testkit';
import { v7 as uuidv7 } from 'uuid';
import { renderSms } from '../src/domain/sms-templates.ts';
import { enqueueSms } from '../src/store/pg-message-store.ts';
import { billFor, paymentOf } from './support/bill-events.ts';
import { startHarness } from './support/notification-harness.ts';
import type { Harness } from './support/notification-harness.ts';
import { startOperatorApi } from './support/operator-api.ts';

let h: Harness;
let nextNumber = 100_000;
/** A fresh Syrian mobile per test, so what the simulator shows for it is this test's alone. */
const aMobile = () => `+963944${String(nextNumber++).padStart(6, '0')}`;

beforeAll(async () => {
  h = await startHarness({ receiptDelayMs: 100 });
});

afterAll(async () => {
  await h?.close();
});


async function outboxTypes(messageId: string): Promise<string[]> {
  const { rows } = await h.db.pool.query<{ type: string }>(`SELECT payload->>'type' AS type FROM outbox WHERE key = $1 ORDER BY id`, [messageId]);
  return rows.map((r) => r.type);
}

async function messageOf(template: string, recipient: string) {
  const { rows } = await h.db.pool.query<{ message_id: string; state: string; segments: number | null; body: string; not_before: Date }>(
    'SELECT message_id, state, segments, body, not_before FROM sms_messages WHERE template = $1 AND recipient = $2',
    [template, recipient],
  );
  return rows;
}

describe('receipts', () => {
  it('sends exactly one Arabic receipt for a payment.completed delivered three times, and the receipt marks it delivered', async () => {
    const to = aMobile();
    const bill = billFor(to);
    const paid = paymentOf(bill);
    await h.deliver([bill]);
    await h.deliver([paid], 3);
    // The same payment re-published under a new event id (a replay) is still the same receipt.
    await h.deliver([{ ...paid, eventId: uuidv7() }]);
    // One partition: once a later marker payment is queued, every copy before it was handled.
    const marker = aMobile();
    const markerBill = billFor(marker);
    await h.deliver([markerBill, paymentOf(markerBill)]);
    await waitFor(async () => (await messageOf('payment_receipt', marker)).length === 1, { timeoutMs: 30_000, message: 'marker receipt queued' });

    const expected = renderSms('payment_receipt', 'ar', { accountNo: '0112345678', amount: money(150_000, 'SYP'), receiptNo: paid.payload.receiptNo, channel: 'بنك واحد' });
    await waitFor(async () => (await h.received(to)).some((m) => m.text === expected && m.deliveredAt !== undefined), { timeoutMs: 20_000, message: 'receipt at the SMSC' });
    const receipts = (await h.received(to)).filter((m) => m.text.includes(paid.payload.receiptNo));
    expect(receipts).toHaveLength(1);
    expect(receipts[0]).toMatchObject({ text: expected, complete: true, dataCoding: 8, from: 'SyTelecom' });

    const rows = await messageOf('payment_receipt', to);
    expect(rows).toHaveLength(1);
    await waitFor(async () => (await messageOf('payment_receipt', to))[0]?.state === 'delivered', { timeoutMs: 20_000, message: 'receipt delivered' });
    expect(await outboxTypes(rows[0]!.message_id)).toEqual(['notification.sms-sent', 'notification.sms-delivered']);
  });

  it('texts a government fee order\'s applicant the receipt naming the authority and the order, when a bank pays it (issue 16)', async () => {
    const to = aMobile();
    const orderRef = `FO-${String(nextNumber).padStart(12, '0')}`;
    const order = billFor(to);
    order.payload.billerId = 'civil-registry';
    order.payload.accountNo = orderRef;
    const paid = paymentOf(order);
    // A bank's payment names no payer: the receipt goes to the applicant, the order's holder.
    paid.payload.billerId = 'civil-registry';
    paid.payload.payerMsisdn = null;
    await h.deliver([order, paid]);

    const expected = renderSms('payment_receipt', 'ar', { accountNo: orderRef, amount: money(150_000, 'SYP'), receiptNo: paid.payload.receiptNo, channel: 'بنك واحد', biller: 'الشؤون المدنية' });
    expect(expected).toContain(`لطلبك لدى الشؤون المدنية رقم ${orderRef}`);
    await waitFor(async () => (await h.received(to)).some((m) => m.text === expected), { timeoutMs: 20_000, message: 'fee receipt at the SMSC' });
    const texts = (await h.received(to)).map((m) => m.text);
    // The order's issue is worded as a fee of the authority too, never as a phone bill.
    expect(texts.some((t) => t.includes(`رسم طلبك لدى الشؤون المدنية رقم ${orderRef}`))).toBe(true);
    expect(texts.some((t) => t.includes('للرقم') || t.includes('فاتورة الرقم'))).toBe(false);
  });

  it('tells the payer, once, in the holder\'s language, that a debit which bought nothing was given back (intent.refunded)', async () => {
    const to = aMobile();
    const bill = billFor(to, 'en');
    const refunded = anEvent('intent.refunded', {
      payload: { accountNo: bill.payload.accountNo, billIds: [bill.payload.billId], payer: { msisdn: to, accountNo: null }, refunded: { amount: 152_000, currency: 'SYP' } },
    });
    await h.deliver([bill]);
    await h.deliver([refunded], 2);
    const expected = renderSms('intent_refunded', 'en', { accountNo: bill.payload.accountNo, amount: money(152_000, 'SYP') });
    await waitFor(async () => (await h.received(to)).some((m) => m.text === expected), { timeoutMs: 20_000, message: 'refund SMS at the SMSC' });
    // One partition: once a later marker is queued, the second copy before it was handled too.
    const marker = aMobile();
    const markerBill = billFor(marker);
    await h.deliver([markerBill, anEvent('intent.refunded', { payload: { billIds: [markerBill.payload.billId], payer: { msisdn: marker, accountNo: null } } })]);
    await waitFor(async () => (await messageOf('intent_refunded', marker)).length === 1, { timeoutMs: 30_000, message: 'marker queued' });
    expect(await messageOf('intent_refunded', to)).toHaveLength(1);
  });

  it('holds a receipt whose bill is not known yet (the bill topic lags) and sends it, once, when the bill arrives', async () => {
    const to = aMobile();
    const bill = billFor(to);
    const paid = paymentOf(bill);
    await h.deliver([paid, paid]);
    await waitFor(async () => (await h.db.pool.query('SELECT 1 FROM awaiting_contact WHERE event_id = $1', [paid.eventId])).rowCount === 1, {
      timeoutMs: 30_000,
      message: 'payment parked until its bill is known',
    });
    expect(await h.received(to)).toEqual([]);
    const awaiting = async () => (await h.registry.getSingleMetric('notification_awaiting_contact')!.get()).values[0]?.value;
    expect(await awaiting()).toBeGreaterThanOrEqual(1);
    await h.deliver([bill]);
    await waitFor(async () => (await messageOf('payment_receipt', to))[0]?.state === 'delivered', { timeoutMs: 30_000, message: 'receipt delivered' });
    expect((await h.received(to)).filter((m) => m.text.includes(paid.payload.receiptNo))).toHaveLength(1);
    expect((await h.db.pool.query('SELECT 1 FROM awaiting_contact WHERE event_id = $1', [paid.eventId])).rowCount).toBe(0);
  });

  it('texts nobody for an event older than the age limit (a replay, a new group reading from the start), but keeps the read model', async () => {
    const to = aMobile();
    const old = new Date(Date.now() - 72 * 3_600_000).toISOString();
    const bill = anEvent('bill.issued', { occurredAt: old, payload: billFor(to).payload });
    const paid = anEvent('payment.completed', { occurredAt: old, payload: paymentOf(bill).payload });
    const marker = aMobile();
    const markerBill = billFor(marker);
    await h.deliver([bill, paid, markerBill]);
    await waitFor(async () => (await messageOf('bill_issued', marker)).length === 1, { timeoutMs: 30_000, message: 'marker queued' });
    await waitFor(async () => (await h.db.pool.query('SELECT 1 FROM inbox WHERE event_id = $1', [paid.eventId])).rowCount === 1, { timeoutMs: 30_000, message: 'old payment handled' });
    expect(await h.messageStates('recipient = $1', [to])).toEqual({});
    expect((await h.db.pool.query('SELECT 1 FROM bill_contacts WHERE bill_id = $1', [bill.payload.billId])).rowCount).toBe(1);
  });

  it('sends a long Arabic text as concatenated UCS-2 parts that reassemble to the original', async () => {
    const to = aMobile();
    const body = 'عزيزي المشترك، '.repeat(12).trim(); // 191 UTF-16 units: three parts of at most 67
    expect(body.length).toBeGreaterThan(134);
    await enqueueSms(h.db.pool, [
      { dedupeKey: `test:${to}`, recipient: to, template: 'campaign', locale: 'ar', accountNo: null, sourceEventId: null, body, urgent: false, notBefore: new Date(), correlationId: null },
    ]);
    h.dispatcher.wake();
    await waitFor(async () => (await h.received(to))[0]?.complete === true, { timeoutMs: 20_000, message: 'all parts at the SMSC' });
    const [message, ...others] = await h.received(to);
    expect(others).toEqual([]);
    expect(message!.text).toBe(body);
    expect(message!.parts).toHaveLength(3);
    const reference = message!.parts[0]!.reference;
    message!.parts.forEach((part, i) => {
      expect(part).toMatchObject({ part: i + 1, total: 3, udh: true, dataCoding: 8, reference });
      // UDH (6 octets) + at most 67 UCS-2 code units.
      expect(part.shortMessage.length / 2).toBeLessThanOrEqual(6 + 134);
    });
    await waitFor(async () => (await messageOf('campaign', to))[0]?.state === 'delivered', { timeoutMs: 20_000, message: 'every part delivered' });
    expect((await messageOf('campaign', to))[0]!.segments).toBe(3);
  });

  it('never interleaves two long messages to one handset (8-bit references would collide), and sends each whole', async () => {
    const to = aMobile();
    const bodies = Array.from({ length: 12 }, (_, i) => `رسالة رقم ${i}: ` + 'عزيزي المشترك، '.repeat(10));
    await enqueueSms(
      h.db.pool,
      bodies.map((body, i) => ({ dedupeKey: `same-handset:${to}:${i}`, recipient: to, template: 'campaign' as const, locale: 'ar' as const, accountNo: null, sourceEventId: null, body, urgent: false, notBefore: new Date(), correlationId: null })),
    );
    h.dispatcher.wake();
    await waitFor(async () => (await h.received(to)).filter((m) => m.complete).length === 12, { timeoutMs: 30_000, message: 'all 12 complete' });
    const received = await h.received(to);
    expect(received.map((m) => m.text).sort()).toEqual([...bodies].sort());
    // Parts in arrival order: each message's parts come together, never mixed with another's.
    const arrivals = received.flatMap((m) => m.parts.map((p) => ({ message: m.messageId, at: p.receivedAt }))).sort((a, b) => a.at.localeCompare(b.at));
    const runs = arrivals.filter((a, i) => i === 0 || a.message !== arrivals[i - 1]!.message).length;
    expect(runs).toBe(12);
  });

  it('marks a message failed when the SMSC reports it undeliverable, and says so on the outbox', async () => {
    const to = aMobile();
    await h.control({ undeliverable: [to] });
    const bill = billFor(to, 'en');
    await h.deliver([bill, paymentOf(bill)]);
    await waitFor(async () => (await messageOf('payment_receipt', to))[0]?.state === 'failed', { timeoutMs: 30_000, message: 'receipt failed' });
    const [row] = await messageOf('payment_receipt', to);
    expect(row!.body).toMatch(/^Payment received: SYP 1,500\.00 for 0112345678 via Bank One\./);
    expect(await outboxTypes(row!.message_id)).toEqual(['notification.sms-sent', 'notification.sms-failed']);
  });
});

describe('receipts that overtake their submit', () => {
  it('applies every receipt even when it arrives before the submit is recorded', async () => {
    // Receipts at once: many arrive while the transaction recording their part is still open.
    await h.control({ receiptDelayMs: 0 });
    const numbers = Array.from({ length: 300 }, () => aMobile());
    await enqueueSms(
      h.db.pool,
      numbers.map((to) => ({ dedupeKey: `race:${to}`, recipient: to, template: 'payment_receipt' as const, locale: 'en' as const, accountNo: null, sourceEventId: null, body: `Race ${to}`, urgent: true, notBefore: new Date(), correlationId: null })),
    );
    h.dispatcher.wake();
    await waitFor(async () => (await h.messageStates(`dedupe_key LIKE 'race:%'`))['delivered'] === 300, { timeoutMs: 60_000, message: 'all 300 delivered' });
    await h.control({ receiptDelayMs: 100 });
  });
});

describe('the SMSC dropping the connection mid-window', () => {
  it('loses no message and duplicates none', async () => {
    // Answers held back: when the connection drops, the SMSC has messages whose answers we never saw.
    await h.control({ responseDelayMs: 150 });
    const before = await h.stats();
    const numbers = Array.from({ length: 120 }, () => aMobile());
    await enqueueSms(
      h.db.pool,
      numbers.map((to) => ({ dedupeKey: `drop:${to}`, recipient: to, template: 'campaign' as const, locale: 'en' as const, accountNo: null, sourceEventId: null, body: `Drop test for ${to}`, urgent: false, notBefore: new Date(), correlationId: null })),
    );
    h.dispatcher.wake();
    for (const threshold of [20, 60]) {
      await waitFor(async () => (await h.stats()).submits! - before.submits! >= threshold, { timeoutMs: 30_000, message: `${threshold} submits` });
      const dropped = await h.control({ dropConnection: true });
      expect(dropped['droppedSessions']).toBe(1);
    }
    await waitFor(async () => (await h.messageStates(`dedupe_key LIKE 'drop:%'`))['queued'] === undefined, { timeoutMs: 60_000, message: 'all submitted' });
    await h.control({ responseDelayMs: 0 });

    const received = (await h.received()).filter((m) => m.text.startsWith('Drop test for'));
    expect(received).toHaveLength(120);
    expect(new Set(received.map((m) => m.to)).size).toBe(120);
    for (const m of received) expect(m.text).toBe(`Drop test for ${m.to}`);
    // The ambiguous case really happened: parts resubmitted after the drop were answered from the SMSC's dedup.
    expect((await h.stats()).duplicatesAnswered! - before.duplicatesAnswered!).toBeGreaterThan(0);
    await waitFor(async () => (await h.messageStates(`dedupe_key LIKE 'drop:%'`))['delivered'] === 120, { timeoutMs: 30_000, message: 'all delivered' });
  });
});

describe('opt-out', () => {
  it('STOP opts the subscriber out of reminders and campaigns (confirmed by SMS) but not out of receipts', async () => {
    const to = aMobile();
    await h.mobileOriginated(to, 'STOP');
    await waitFor(async () => (await h.db.pool.query('SELECT 1 FROM opt_outs WHERE msisdn = $1 AND opted_out', [to])).rowCount === 1, { timeoutMs: 10_000, message: 'opted out' });
    await waitFor(async () => (await h.received(to)).length === 1, { timeoutMs: 10_000, message: 'confirmation' });
    expect((await h.received(to))[0]!.text).toBe(renderSms('opt_out_confirmation', 'ar', { optedOut: true }));
    // The SMSC resending the same STOP is not a second change, and sends no second confirmation.
    await h.mobileOriginated(to, 'stop');

    await enqueueSms(h.db.pool, [
      { dedupeKey: `optout-campaign:${to}`, recipient: to, template: 'campaign', locale: 'ar', accountNo: null, sourceEventId: null, body: 'حملة', urgent: false, notBefore: new Date(), correlationId: null },
    ]);
    const bill = billFor(to);
    await h.deliver([bill, paymentOf(bill)]);
    await waitFor(async () => (await messageOf('payment_receipt', to))[0]?.state === 'delivered', { timeoutMs: 30_000, message: 'receipt still sent' });
    await waitFor(async () => (await messageOf('campaign', to))[0]?.state === 'suppressed', { timeoutMs: 10_000, message: 'campaign suppressed' });
    const texts = (await h.received(to)).map((m) => m.text);
    expect(texts.filter((t) => t === 'حملة')).toEqual([]);
    expect(texts.filter((t) => t === renderSms('opt_out_confirmation', 'ar', { optedOut: true }))).toHaveLength(1);

    // START puts them back.
    await h.mobileOriginated(to, 'START');
    await waitFor(async () => (await h.db.pool.query('SELECT 1 FROM opt_outs WHERE msisdn = $1 AND NOT opted_out', [to])).rowCount === 1, { timeoutMs: 10_000, message: 'opted in' });
    const { rows } = await h.db.pool.query<{ opted_out: boolean }>('SELECT opted_out FROM opt_out_history WHERE msisdn = $1 ORDER BY id', [to]);
    // Every STOP the subscriber sent is in the history; only real changes move the current state.
    expect(rows.map((r) => r.opted_out)).toEqual([true, true, false]);
  });
});

describe('operators watching the queue', () => {
  it('shows how many due messages wait and how late the oldest is, and a message held by a dead dispatcher is taken over when its lease ends', async () => {
    const to = aMobile();
    const hourAgo = new Date(Date.now() - 3_600_000);
    await enqueueSms(h.db.pool, [
      { dedupeKey: `held:${to}`, recipient: to, template: 'payment_receipt', locale: 'en', accountNo: null, sourceEventId: null, body: `Held ${to}`, urgent: true, notBefore: hourAgo, correlationId: null },
    ]);
    // As if a dispatcher that has since died had claimed it a moment ago.
    await h.db.pool.query(`UPDATE sms_messages SET lease_until = now() + interval '2 seconds' WHERE dedupe_key = $1`, [`held:${to}`]);
    const due = (await h.registry.getSingleMetric('notification_sms_due')!.get()).values;
    expect(due.find((v) => v.labels['urgency'] === 'urgent' && v.labels['measure'] === 'count')?.value).toBeGreaterThanOrEqual(1);
    expect(due.find((v) => v.labels['urgency'] === 'urgent' && v.labels['measure'] === 'oldest_seconds')?.value).toBeGreaterThanOrEqual(3_600);
    await waitFor(async () => (await h.received(to)).length === 1, { timeoutMs: 15_000, message: 'sent after the lease ended' });
  });
});

describe('operators looking up a subscriber', () => {
  it('GET /v1/messages?to= shows each SMS with its state and parts, whatever form the number is typed in', async () => {
    const to = aMobile();
    const bill = billFor(to);
    const paid = paymentOf(bill);
    await h.deliver([bill, paid]);
    await waitFor(async () => (await messageOf('payment_receipt', to))[0]?.state === 'delivered', { timeoutMs: 30_000, message: 'receipt delivered' });
    const api = await startOperatorApi({ name: 'notification-messages', db: h.db });
    try {
      const local = `0${to.slice(4)}`; // 09… as an operator types it
      const res = await api.send<{ to: string; messages: { template: string; state: string; body: string; parts: { state: string; smscMessageId: string }[] }[] }>('GET', `/v1/messages?to=${local}`);
      expect(res.status).toBe(200);
      expect(res.body.to).toBe(to);
      const receipt = res.body.messages.find((m) => m.template === 'payment_receipt')!;
      expect(receipt).toMatchObject({ state: 'delivered' });
      expect(receipt.body).toContain(paid.payload.receiptNo);
      const atSmsc = (await h.received(to)).find((m) => m.text.includes(paid.payload.receiptNo))!;
      expect(receipt.parts.map((p) => p.smscMessageId)).toEqual(atSmsc.parts.map((p) => p.messageId));
      expect(receipt.parts.every((p) => p.state === 'delivered')).toBe(true);

      expect((await api.send('GET', '/v1/messages?to=12345')).status).toBe(400);
      expect((await api.send('GET', `/v1/messages?to=${local}`, { as: 'portal' })).status).toBe(403);
      expect((await api.send('GET', `/v1/messages?to=${local}`, { as: 'unsigned' })).status).toBe(401);
    } finally {
      await api.close();
    }
  });
});
