// The operators' intent routes: GET /v1/intents/summary (counts per status and the queue size) and
// GET /v1/intents?status=reconciliation (the queue, newest first, paged, with why and the evidence),
// over intents driven into the queue by the real channel-results consumer.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AnyEvent, BillSnapshot, ErrorBody, IntentResponse, QueuedIntentList } from '@gateway/contracts';
import { waitFor } from '@gateway/testkit';
import { startIntentHarness, syp } from './support/intent-harness.ts';
import type { IntentHarness } from './support/intent-harness.ts';

let h: IntentHarness;

beforeAll(async () => {
  h = await startIntentHarness();
});
afterAll(async () => {
  await h?.close();
});

type Summary = { counts: Record<string, number> };
type Queue = QueuedIntentList;

const forIntent = (intentId: string, type: string) => (e: AnyEvent) => e.type === type && e.key === intentId;

async function createIntent(bill: BillSnapshot): Promise<IntentResponse> {
  const res = await h.send<IntentResponse>('POST', '/v1/payment-intents', {
    body: { billerId: bill.billerId, accountNo: bill.accountNo, billIds: [bill.billId], amount: bill.amountDue, channelId: 'wallet-one', payer: { msisdn: '+963944000111' } },
  });
  expect(res.status).toBe(201);
  return res.body;
}

/** An intent the adapter gave up asking about: unknown, then exhausted, so it is queued. */
async function exhaustedIntent(lastError: string): Promise<{ intent: IntentResponse; bill: BillSnapshot }> {
  const bill = await h.issueBill();
  const intent = await createIntent(bill);
  await h.publishResult('channel.debit-unknown', intent, { stage: 'resolving', attempts: 1, lastError: 'timeout after 10000 ms' });
  await h.waitForStatus(intent.intentId, 'unknown');
  await h.publishResult('channel.debit-unknown', intent, { stage: 'exhausted', attempts: 8, lastError });
  await h.intents.expectEvent(forIntent(intent.intentId, 'intent.reconciliation-required'));
  return { intent, bill };
}

describe('operator intent routes', () => {
  it('GET /v1/intents/summary counts every status and the reconciliation queue, for operators only', async () => {
    const before = (await h.send<Summary>('GET', '/v1/intents/summary', { as: 'operator' })).body.counts;
    expect(Object.keys(before).sort()).toEqual(['canceled', 'failed', 'processing', 'reconciliation', 'requires_confirmation', 'succeeded', 'unknown']);

    const processing = await createIntent(await h.issueBill());
    await exhaustedIntent('gave up after 8 inquiries');
    const succeeded = await createIntent(await h.issueBill());
    await h.publishResult('channel.debit-succeeded', succeeded, { channelTxnId: `W1-SUM-${succeeded.intentId}`, amount: succeeded.amount });
    await h.waitForStatus(succeeded.intentId, 'succeeded');

    const res = await h.send<Summary>('GET', '/v1/intents/summary', { as: 'operator' });
    expect(res.status).toBe(200);
    expect(res.body.counts).toEqual({
      ...before,
      processing: before['processing']! + 1,
      unknown: before['unknown']! + 1,
      succeeded: before['succeeded']! + 1,
      reconciliation: before['reconciliation']! + 1,
    });
    expect(processing.status).toBe('processing');

    expect((await h.send('GET', '/v1/intents/summary', { as: 'portal' })).status).toBe(403);
    expect((await h.send('GET', '/v1/intents/summary', { as: 'unsigned' })).status).toBe(401);
  });

  it('GET /v1/intents?status=reconciliation lists the queue newest first, a page at a time, with the reason and the evidence', async () => {
    const older = await exhaustedIntent('gave up after 8 inquiries (older)');
    const newer = await exhaustedIntent('gave up after 8 inquiries (newer)');

    const first = await h.send<Queue>('GET', '/v1/intents?status=reconciliation&limit=1', { as: 'operator' });
    expect(first.status).toBe(200);
    expect(first.body.intents.map((i) => i.intentId)).toEqual([newer.intent.intentId]);
    expect(first.body.nextCursor).not.toBeNull();
    const shown = first.body.intents[0]!;
    expect(shown).toMatchObject({
      status: 'unknown',
      reason: 'status_inquiry_exhausted',
      amount: syp(newer.bill.amountDue.amount),
      channelId: 'wallet-one',
      payer: { msisdn: '+963944000111', accountNo: null },
      billIds: [newer.bill.billId],
      evidence: { inquiryAttempts: 8, entries: [{ reason: 'status_inquiry_exhausted', moneyMoved: 'unknown', resolvedAt: null }] },
    });
    expect(shown.detail).toContain('(newer)');
    expect(shown.evidence.unknownSince).not.toBeNull();

    const second = await h.send<Queue>('GET', `/v1/intents?status=reconciliation&limit=1&cursor=${first.body.nextCursor}`, { as: 'operator' });
    expect(second.body.intents.map((i) => i.intentId)).toEqual([older.intent.intentId]);

    // A resolved doubt leaves the queue: the late success clears the flag.
    await h.publishResult('channel.debit-succeeded', newer.intent, { channelTxnId: `W1-LATE-${newer.intent.intentId}`, amount: newer.intent.amount });
    await h.waitForStatus(newer.intent.intentId, 'succeeded');
    const after = await h.send<Queue>('GET', '/v1/intents?status=reconciliation', { as: 'operator' });
    expect(after.body.intents.map((i) => i.intentId)).not.toContain(newer.intent.intentId);
    expect(after.body.intents.map((i) => i.intentId)).toContain(older.intent.intentId);
  });

  it('lists a channel result for an intent we do not have, counted in the queue size', async () => {
    const before = (await h.send<Summary>('GET', '/v1/intents/summary', { as: 'operator' })).body.counts;
    const stranger = { intentId: `pi_unknown_${Date.now()}`, channelId: 'wallet-one' };
    await h.publishResult('channel.debit-succeeded', stranger, { channelTxnId: 'W1-STRANGER', amount: syp(90_000) });
    const listed = await waitFor(
      async () => (await h.send<Queue>('GET', '/v1/intents?status=reconciliation', { as: 'operator' })).body.intents.find((i) => i.intentId === stranger.intentId),
      { message: 'the unmatched result in the queue' },
    );
    expect(listed).toMatchObject({
      known: false,
      status: null,
      reason: 'contradictory_result',
      amount: null,
      payer: null,
      channelId: 'wallet-one',
      evidence: { channelTxnId: 'W1-STRANGER', entries: [{ channelId: 'wallet-one', moneyMoved: 'yes', amount: syp(90_000), resolvedAt: null }] },
    });
    const after = (await h.send<Summary>('GET', '/v1/intents/summary', { as: 'operator' })).body.counts;
    expect(after['reconciliation']).toBe(before['reconciliation']! + 1);
  });

  it('refuses a cursor it did not issue, another status, and clients that are not operators', async () => {
    const bad = await h.send<ErrorBody>('GET', '/v1/intents?status=reconciliation&cursor=not-a-cursor', { as: 'operator' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_request');
    expect((await h.send('GET', '/v1/intents?status=processing', { as: 'operator' })).status).toBe(400);
    expect((await h.send('GET', '/v1/intents?status=reconciliation', { as: 'portal' })).status).toBe(403);
  });
});
