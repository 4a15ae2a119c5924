// The turnaround engine for stuck payments (issue 15; rule in src/domain/turnaround.ts), over the real
// intent machinery (Postgres, the outbox relay to Kafka, the channel-results consumer): a debit with no
// outcome past its channel's turnaround is asked about again (channel.status-requested on the commands
// topic), spaced, then flagged turnaround_exceeded with intent.reconciliation-required; a refund with no
// outcome the same way (channel.refund-requested again); terminal intents and intents within their
// turnaround are left alone; each stage happens once, with passes repeated, restarted or run by two
// replicas at once. The sweepers run on a clock of their own, moved ahead instead of sleeping.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AnyEvent, BillSnapshot, IntentResponse, PaymentNotificationResponse } from '@gateway/contracts';
import { testLogger, waitFor } from '@gateway/testkit';
import { Registry } from 'prom-client';
import type { ChannelCatalogue } from '../src/domain/catalogues.ts';
import { createIntentExpirySweeper } from '../src/jobs/intent-expiry.sweeper.ts';
import { createTurnaroundSweeper } from '../src/jobs/turnaround.sweeper.ts';
import { graceMs, startIntentHarness } from './support/intent-harness.ts';
import type { IntentHarness } from './support/intent-harness.ts';

let h: IntentHarness;

beforeAll(async () => {
  h = await startIntentHarness();
});
afterAll(async () => {
  await h?.close();
});

const minute = 60_000;
const settings = { defaultMs: 60 * minute, spacingMs: 15 * minute, maxInquiries: 2 };
const registry = new Registry();

/** One pass of a fresh engine (as after a restart: everything it knows is in Postgres) at `at`. */
async function sweepAt(at: Date, channels: ChannelCatalogue = h.config.catalogues.channels): Promise<number> {
  const engine = createTurnaroundSweeper({ pool: h.db.pool, logger: testLogger('turnaround'), registry, channels, settings, intervalMs: 60_000, clock: () => at, topics: h.topics });
  return engine.sweep();
}

// The intent's own times (createdAt, expiresAt, refund.requestedAt) as the API returned them.
const after = (start: string | undefined, ms: number) => new Date(Date.parse(start ?? 'missing') + ms);
const forIntent = (intentId: string, type: string) => (e: AnyEvent) => e.type === type && e.key === intentId;
const sent = async (intentId: string, type: string) => (await h.outbox(intentId)).filter((e) => e.type === type).length;
const stages = async (intentId: string) =>
  (await h.db.pool.query<{ subject: string; stage: string; action: string }>('SELECT subject, stage, action FROM intent_turnaround_actions WHERE intent_id = $1 ORDER BY acted_at, stage', [intentId])).rows;

async function createIntent(bill: BillSnapshot): Promise<IntentResponse> {
  const res = await h.send<IntentResponse>('POST', '/v1/payment-intents', {
    body: { billerId: bill.billerId, accountNo: bill.accountNo, billIds: [bill.billId], amount: bill.amountDue, channelId: 'wallet-one', payer: { msisdn: '+963944123456' } },
  });
  expect(res.status).toBe(201);
  return res.body;
}

/** An intent whose debit the adapter could not settle: unknown, its inquiries still running. */
async function unknownIntent(): Promise<IntentResponse> {
  const intent = await createIntent(await h.issueBill());
  await h.publishResult('channel.debit-unknown', intent, { stage: 'resolving', attempts: 1, lastError: 'timeout after 10000 ms' });
  await h.waitForStatus(intent.intentId, 'unknown');
  return intent;
}

async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const values = (await registry.getSingleMetric(name)?.get())?.values ?? [];
  return values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value ?? 0;
}

describe('the turnaround engine', () => {
  it('asks the adapter again about an unknown debit past the turnaround, spaced, then escalates it once; a late result settles it', async () => {
    const intent = await unknownIntent();
    const at = (ms: number) => after(intent.createdAt, ms);

    await sweepAt(at(59 * minute));
    expect(await sent(intent.intentId, 'channel.status-requested')).toBe(0);

    // Past the turnaround: the first inquiry, on the commands topic the adapter reads. Again at the same time: nothing more.
    await sweepAt(at(60 * minute + 1));
    await sweepAt(at(60 * minute + 1));
    const inquiry = await h.commands.expectEvent(forIntent(intent.intentId, 'channel.status-requested'));
    expect(inquiry.payload).toMatchObject({ intentId: intent.intentId, channelId: 'wallet-one', reference: intent.intentId, reason: 'reconciliation' });
    expect(await sent(intent.intentId, 'channel.status-requested')).toBe(1);

    // Not before the spacing; then the second and last inquiry.
    await sweepAt(at(74 * minute));
    expect(await sent(intent.intentId, 'channel.status-requested')).toBe(1);
    await sweepAt(at(75 * minute + 1));
    expect(await sent(intent.intentId, 'channel.status-requested')).toBe(2);
    expect(await h.count('intent_reconciliation', 'intent_id = $1', [intent.intentId])).toBe(0);

    // Still nothing a spacing after the last inquiry: escalated, and only once however often the pass runs.
    await sweepAt(at(90 * minute + 1));
    await sweepAt(at(600 * minute));
    const escalation = await h.intents.expectEvent(forIntent(intent.intentId, 'intent.reconciliation-required'));
    expect(escalation.payload).toMatchObject({ status: 'unknown', reason: expect.stringContaining('turnaround_exceeded') });
    expect((await h.outbox(intent.intentId)).filter((e) => e.type === 'intent.reconciliation-required')).toHaveLength(1);
    expect(await sent(intent.intentId, 'channel.status-requested')).toBe(2);
    const queue = await h.db.pool.query('SELECT reason, money_moved, resolved_at FROM intent_reconciliation WHERE intent_id = $1', [intent.intentId]);
    expect(queue.rows).toEqual([{ reason: 'turnaround_exceeded', money_moved: 'unknown', resolved_at: null }]);
    expect(await stages(intent.intentId)).toEqual([
      { subject: 'debit', stage: 'inquiry-1', action: 'channel.status-requested' },
      { subject: 'debit', stage: 'inquiry-2', action: 'channel.status-requested' },
      { subject: 'debit', stage: 'escalated', action: 'intent.reconciliation-required' },
    ]);
    const operatorView = await h.send<{ intents: { intentId: string; reason: string }[] }>('GET', '/v1/intents?status=reconciliation', { as: 'operator' });
    expect(operatorView.body.intents.find((i) => i.intentId === intent.intentId)).toMatchObject({ reason: 'turnaround_exceeded' });
    expect(await metric('payments_turnaround_escalated_total', { channel: 'wallet-one', subject: 'debit' })).toBeGreaterThanOrEqual(1);

    // The flag is doubt: the channel's late answer settles the intent and closes the queue entry.
    await h.publishResult('channel.debit-succeeded', intent, { channelTxnId: `W1-LATE-${intent.intentId}`, amount: intent.amount });
    await h.waitForStatus(intent.intentId, 'succeeded');
    expect(await h.count('intent_reconciliation', 'intent_id = $1 AND resolved_at IS NULL', [intent.intentId])).toBe(0);
  });

  it('acts on an intent the expiry already flagged expired_without_outcome: its escalation supersedes that doubt entry', async () => {
    const intent = await unknownIntent();
    const expiry = createIntentExpirySweeper({ pool: h.db.pool, logger: testLogger('intent-expiry'), graceMs, clock: () => after(intent.expiresAt, graceMs + 1), topics: h.topics });
    await expiry.sweep();
    expect(await h.count('intent_reconciliation', "intent_id = $1 AND reason = 'expired_without_outcome'", [intent.intentId])).toBe(1);
    expect(await sent(intent.intentId, 'channel.status-requested')).toBe(1);

    for (const m of [60, 75, 90]) await sweepAt(after(intent.createdAt, m * minute + 1));
    expect(await sent(intent.intentId, 'channel.status-requested')).toBe(3);
    const queue = await h.db.pool.query('SELECT reason, resolution FROM intent_reconciliation WHERE intent_id = $1 ORDER BY id', [intent.intentId]);
    expect(queue.rows).toEqual([
      { reason: 'expired_without_outcome', resolution: 'superseded by turnaround_exceeded' },
      { reason: 'turnaround_exceeded', resolution: null },
    ]);
  });

  it('leaves terminal intents alone, and an intent within its channel’s own turnaround (channels.json turnaroundMs)', async () => {
    const succeeded = await createIntent(await h.issueBill());
    await h.publishResult('channel.debit-succeeded', succeeded, { channelTxnId: `W1-OK-${succeeded.intentId}`, amount: succeeded.amount });
    await h.waitForStatus(succeeded.intentId, 'succeeded');
    const failed = await createIntent(await h.issueBill());
    await h.publishResult('channel.debit-failed', failed, { reason: 'insufficient_funds', message: 'Not enough money.', channelCode: 'NSF' });
    await h.waitForStatus(failed.intentId, 'failed');
    const processing = await createIntent(await h.issueBill());

    // wallet-one's own turnaround is two hours here; the default (one hour) would be past.
    const catalogue = h.config.catalogues.channels;
    const slowWallet: ChannelCatalogue = { ...catalogue, channels: catalogue.channels.map((c) => (c.channelId === 'wallet-one' ? { ...c, turnaroundMs: 120 * minute } : c)) };
    await sweepAt(after(processing.createdAt, 119 * minute), slowWallet);
    expect(await stages(processing.intentId)).toEqual([]);
    await sweepAt(after(processing.createdAt, 120 * minute + 1), slowWallet);
    expect(await stages(processing.intentId)).toEqual([{ subject: 'debit', stage: 'inquiry-1', action: 'channel.status-requested' }]);

    await sweepAt(after(succeeded.createdAt, 1000 * minute));
    for (const done of [succeeded, failed]) {
      expect(await stages(done.intentId)).toEqual([]);
      expect(await sent(done.intentId, 'channel.status-requested')).toBe(0);
      expect(await h.count('intent_reconciliation', 'intent_id = $1', [done.intentId])).toBe(0);
    }
  });

  it('acts once per stage when two replicas sweep at the same time', async () => {
    const stuck = [await unknownIntent(), await unknownIntent(), await unknownIntent()];
    const at = after(stuck[2]!.createdAt, 60 * minute + 1);
    const replica = () =>
      createTurnaroundSweeper({ pool: h.db.pool, logger: testLogger('turnaround'), registry, channels: h.config.catalogues.channels, settings, intervalMs: 60_000, clock: () => at, topics: h.topics, batchSize: 1 });
    await Promise.all([replica().sweep(), replica().sweep(), replica().sweep()]);
    for (const intent of stuck) {
      expect(await stages(intent.intentId)).toEqual([{ subject: 'debit', stage: 'inquiry-1', action: 'channel.status-requested' }]);
      expect(await sent(intent.intentId, 'channel.status-requested')).toBe(1);
    }
  });

  it('asks again about a refund with no outcome past the turnaround, then escalates it with the debit as moved money; its late success clears the flag', async () => {
    const bill = await h.issueBill();
    const intent = await createIntent(bill);
    await h.commands.expectEvent(forIntent(intent.intentId, 'channel.debit-requested'));
    // A wallet pays the bill meanwhile; the intent's debit then lands and is given back automatically.
    const paid = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', {
      as: 'wallet-one',
      body: { channelTxnId: `W1-CH-${intent.intentId}`, billerId: bill.billerId, accountNo: bill.accountNo, billIds: [bill.billId], amount: bill.amountDue, paidAt: h.clock().toISOString() },
    });
    expect(paid.status).toBe(201);
    const debitTxn = `W1-DUP-${intent.intentId}`;
    await h.publishResult('channel.debit-succeeded', intent, { channelTxnId: debitTxn, amount: intent.amount });
    const canceled = await h.waitForStatus(intent.intentId, 'canceled');
    expect(canceled.refund).toMatchObject({ status: 'requested' });
    // The adapter cannot learn the reversal's outcome yet: the refund stays requested.
    const unknown = await h.publishResult('channel.refund-unknown', intent, { channelTxnId: debitTxn, stage: 'resolving', attempts: 1, lastError: 'timeout' });
    // Taken in (the consumer holds the intent's row while it applies a result, and a pass skips a locked row).
    await waitFor(async () => (await h.db.pool.query('SELECT 1 FROM inbox WHERE event_id = $1', [unknown.eventId])).rowCount === 1);
    const requestedAt = canceled.refund!.requestedAt;

    await sweepAt(after(requestedAt, 59 * minute));
    expect(await sent(intent.intentId, 'channel.refund-requested')).toBe(1);
    await sweepAt(after(requestedAt, 60 * minute + 1));
    await h.commands.waitForCount(2, (m) => m.event?.type === 'channel.refund-requested' && m.event.key === intent.intentId);
    const again = (await h.outbox(intent.intentId)).filter((e) => e.type === 'channel.refund-requested');
    expect(again).toHaveLength(2);
    expect(again[1]!.payload).toMatchObject({ channelTxnId: debitTxn, amount: intent.amount, reason: expect.stringContaining('turnaround') });
    await sweepAt(after(requestedAt, 75 * minute + 1));
    await sweepAt(after(requestedAt, 90 * minute + 1));
    await sweepAt(after(requestedAt, 91 * minute));

    const escalation = await h.intents.expectEvent(forIntent(intent.intentId, 'intent.reconciliation-required'));
    expect(escalation.payload).toMatchObject({ status: 'canceled', reason: expect.stringContaining('turnaround_exceeded') });
    const queue = await h.db.pool.query('SELECT reason, money_moved FROM intent_reconciliation WHERE intent_id = $1 AND resolved_at IS NULL', [intent.intentId]);
    expect(queue.rows).toEqual([{ reason: 'turnaround_exceeded', money_moved: 'yes' }]);
    expect((await stages(intent.intentId)).filter((s) => s.subject === 'refund')).toEqual([
      { subject: 'refund', stage: 'inquiry-1', action: 'channel.refund-requested' },
      { subject: 'refund', stage: 'inquiry-2', action: 'channel.refund-requested' },
      { subject: 'refund', stage: 'escalated', action: 'intent.reconciliation-required' },
    ]);
    expect(await sent(intent.intentId, 'channel.refund-requested')).toBe(3);
    expect(await metric('payments_turnaround_escalated_total', { channel: 'wallet-one', subject: 'refund' })).toBe(1);

    await h.publishResult('channel.refund-succeeded', intent, { channelTxnId: debitTxn, amount: intent.amount, reversalId: 'W1-REV-T', refundedAt: h.clock().toISOString() });
    await h.intents.expectEvent(forIntent(intent.intentId, 'intent.refunded'));
    expect((await h.send<IntentResponse>('GET', `/v1/payment-intents/${intent.intentId}`)).body.refund?.status).toBe('succeeded');
    expect(await h.count('intent_reconciliation', 'intent_id = $1 AND resolved_at IS NULL', [intent.intentId])).toBe(0);
  });
});
