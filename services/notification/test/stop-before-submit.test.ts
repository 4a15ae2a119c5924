// A cancel or a STOP that lands after the dispatcher claimed a message, over real Postgres and real
// SMPP (the simulator of support/notification-harness.ts): the send-sms flow looks again right before
// the submit and sends nothing; a message already on its way when the cancel commits is recorded as
// submitted, with its sms-sent event, because the SMSC has it. The harness's own dispatcher is stopped
// so that each step (claim, cancel or STOP, send) runs in the order the test sets.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { withTransaction } from '@gateway/kit';
import { cancelCampaign } from '../src/flows/cancel-campaign.flow.ts';
import { claimDueSms } from '../src/flows/claim-due-sms.flow.ts';
import { queueCampaignBatch } from '../src/flows/queue-campaign-batch.flow.ts';
import { sendSms } from '../src/flows/send-sms.flow.ts';
import type { SendSmsPorts } from '../src/flows/send-sms.flow.ts';
import type { OutgoingPart, SubmitOutcome } from '../src/smpp/smpp-pdus.ts';
import { createCampaign } from '../src/store/pg-campaign-store.ts';
import { enqueueSms } from '../src/store/pg-message-store.ts';
import type { ClaimedMessage } from '../src/store/pg-message-store.ts';
import { setOptOut } from '../src/store/pg-opt-out-store.ts';
import { seedContacts } from './support/contacts-fixture.ts';
import { startHarness } from './support/notification-harness.ts';
import type { Harness } from './support/notification-harness.ts';

let h: Harness;
let nextNumber = 500_000;
const aMobile = () => `+963945${String(nextNumber++).padStart(6, '0')}`;
const clock = () => new Date();

beforeAll(async () => {
  h = await startHarness({ kafka: false, receiptDelayMs: 100 });
  await h.dispatcher.stop();
});

afterAll(async () => {
  await h?.close();
});

/** The harness's SMSC client, with `meanwhile` run (once) while the first part is on its way. */
function sending(meanwhile?: () => Promise<void>): SendSmsPorts & { submits: number } {
  let pending = meanwhile;
  const ports = {
    pool: h.db.pool,
    smsc: {
      async submit(part: OutgoingPart): Promise<SubmitOutcome> {
        ports.submits += 1;
        const outcome = await h.smsc.submit(part);
        const run = pending;
        pending = undefined;
        await run?.();
        return outcome;
      },
    },
    sender: 'SyTelecom',
    quietHours: null,
    maxAttempts: 5,
    now: clock,
    submits: 0,
  };
  return ports;
}

/** A campaign to one new mobile, queued; returns its id and the recipient. */
async function aQueuedCampaign(): Promise<{ campaignId: string; to: string }> {
  const to = aMobile();
  const governorate = `gov-${randomUUID().slice(0, 8)}`;
  await seedContacts(h.db.pool, [{ accountNo: `0114${String(nextNumber).padStart(6, '0')}`, msisdn: to, governorate }]);
  const campaign = await withTransaction(h.db.pool, (tx) =>
    createCampaign(tx, { name: `stop ${to}`, text: { ar: `حملة ${to}`, en: null }, segment: { governorates: [governorate] }, startAt: new Date(), createdBy: 'ops-test', now: new Date() }),
  );
  const batch = await queueCampaignBatch({ pool: h.db.pool, batchSize: 10, now: clock });
  expect(batch).toMatchObject({ campaignId: campaign.campaignId, queued: 1 });
  return { campaignId: campaign.campaignId, to };
}

/** What the dispatcher's claim hands over for `to` (the queue holds nothing else due). */
async function claimFor(to: string): Promise<ClaimedMessage> {
  const claimed = (await claimDueSms({ pool: h.db.pool, leaseMs: 30_000, now: clock }, 100)).flat();
  const mine = claimed.find((m) => m.recipient === to);
  expect(claimed).toHaveLength(1);
  return mine!;
}

async function recordOf(messageId: string) {
  const { rows } = await h.db.pool.query<{ state: string; last_error: string | null; done_at: Date | null; submitted_at: Date | null }>(
    'SELECT state, last_error, done_at, submitted_at FROM sms_messages WHERE message_id = $1',
    [messageId],
  );
  return rows[0]!;
}

async function outboxTypes(messageId: string): Promise<string[]> {
  const { rows } = await h.db.pool.query<{ type: string }>(`SELECT payload->>'type' AS type FROM outbox WHERE key = $1 ORDER BY id`, [messageId]);
  return rows.map((r) => r.type);
}

function cancel(campaignId: string) {
  return cancelCampaign({ pool: h.db.pool, now: clock }, { campaignId, operatorId: 'ops-test', reason: 'wrong text', requestId: randomUUID() });
}

describe('a cancel or a STOP after the claim, before the submit', () => {
  it('a campaign message the dispatcher claimed before the cancel is not submitted after it, and stays suppressed (campaign canceled)', async () => {
    const { campaignId, to } = await aQueuedCampaign();
    const message = await claimFor(to);
    expect(await cancel(campaignId)).toMatchObject({ kind: 'canceled', suppressed: 1 });

    const ports = sending();
    expect(await sendSms(ports, message)).toBe('suppressed');
    expect(ports.submits).toBe(0);
    expect(await h.received(to)).toEqual([]);
    expect(await recordOf(message.messageId)).toMatchObject({ state: 'suppressed', last_error: 'campaign canceled', submitted_at: null });
    expect(await outboxTypes(message.messageId)).toEqual([]);
  });

  it('a campaign message already on its way when the cancel commits is recorded as submitted, with one sms-sent, as the SMSC has it', async () => {
    const { campaignId, to } = await aQueuedCampaign();
    const message = await claimFor(to);
    const ports = sending(async () => {
      expect(await cancel(campaignId)).toMatchObject({ kind: 'canceled', suppressed: 1 });
    });
    expect(await sendSms(ports, message)).toBe('submitted');
    expect(ports.submits).toBe(1);
    expect((await h.received(to)).map((m) => m.text)).toEqual([`حملة ${to}`]);
    expect(await recordOf(message.messageId)).toMatchObject({ state: 'submitted', last_error: null, done_at: null, submitted_at: expect.any(Date) });
    expect((await outboxTypes(message.messageId))[0]).toBe('notification.sms-sent');

    // The same claimed message sent again (a retry after a lost answer) changes nothing: one sms-sent.
    expect(await sendSms(sending(), message)).toBe('submitted');
    expect((await outboxTypes(message.messageId)).filter((t) => t === 'notification.sms-sent')).toHaveLength(1);
    expect(await h.received(to)).toHaveLength(1);
    expect(await recordOf(message.messageId)).toMatchObject({ state: expect.stringMatching(/^(submitted|delivered)$/) });
  });

  it('a STOP after the claim stops a reminder and a campaign message, but not a receipt', async () => {
    const to = aMobile();
    const base = { recipient: to, locale: 'ar' as const, accountNo: null, sourceEventId: null, urgent: false, notBefore: new Date(Date.now() - 1_000), correlationId: null };
    await enqueueSms(h.db.pool, [{ ...base, dedupeKey: `stop-reminder:${to}`, template: 'bill_reminder', body: `تذكير ${to}` }]);
    const reminder = await claimFor(to);
    expect(reminder.optedOut).toBe(false);
    await withTransaction(h.db.pool, (tx) => setOptOut(tx, to, true, 'STOP', new Date()));

    const ports = sending();
    expect(await sendSms(ports, reminder)).toBe('suppressed');
    expect(ports.submits).toBe(0);
    expect(await recordOf(reminder.messageId)).toMatchObject({ state: 'suppressed', last_error: 'the subscriber opted out (STOP)' });

    const { to: campaignTo } = await aQueuedCampaign();
    const campaignMessage = await claimFor(campaignTo);
    await withTransaction(h.db.pool, (tx) => setOptOut(tx, campaignTo, true, 'توقف', new Date()));
    expect(await sendSms(ports, campaignMessage)).toBe('suppressed');
    expect(ports.submits).toBe(0);
    expect(await h.received(campaignTo)).toEqual([]);
    expect(await recordOf(campaignMessage.messageId)).toMatchObject({ state: 'suppressed', last_error: 'the subscriber opted out (STOP)' });

    await enqueueSms(h.db.pool, [{ ...base, dedupeKey: `stop-receipt:${to}`, template: 'payment_receipt', body: `إيصال ${to}`, urgent: true }]);
    const receipt = await claimFor(to);
    expect(await sendSms(ports, receipt)).toBe('submitted');
    expect((await h.received(to)).map((m) => m.text)).toEqual([`إيصال ${to}`]);
  });
});
