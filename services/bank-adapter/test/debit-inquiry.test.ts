// The operators' live status inquiry of one debit (GET /v1/channels/{channelId}/debits/{reference},
// issue 15: the evidence a complaint's automatic check weighs), over real Postgres, Kafka and the bank
// simulator: the channel is asked now, and its word is shown beside the adapter's records.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { DebitInquiry, ErrorBody } from '@gateway/contracts';
import { startAdapterHarness } from './support/adapter-harness.ts';
import type { AdapterHarness } from './support/adapter-harness.ts';
import { startOperatorApp } from './support/operator-app.ts';
import type { OperatorApp } from './support/operator-app.ts';

let h: AdapterHarness;
let ops: OperatorApp;

beforeAll(async () => {
  h = await startAdapterHarness();
  ops = await startOperatorApp(h, 'debit-inquiry');
});
afterAll(async () => {
  await ops?.close();
  await h?.close();
});

it('answers what the channel debited and, after the refund, that the channel reversed it, beside the adapter’s records', async () => {
  const debit = await h.requestDebit('bank-alpha');
  const ok = await h.result(debit, 'channel.debit-succeeded');
  const path = `/v1/channels/bank-alpha/debits/${debit.payload.reference}`;

  const before = await ops.send<DebitInquiry>('GET', path);
  expect(before.status).toBe(200);
  expect(before.body).toMatchObject({
    channelId: 'bank-alpha',
    reference: debit.payload.reference,
    channel: { status: 'succeeded', amount: debit.payload.amount, txnId: ok.payload.channelTxnId, failure: null },
    reversal: { status: 'not_reversed', reversedAt: null },
    debit: { intentId: debit.payload.intentId, state: 'succeeded', channelTxnId: ok.payload.channelTxnId },
    refund: null,
  });

  await h.requestRefund(debit, ok.payload.channelTxnId);
  await h.result(debit, 'channel.refund-succeeded');
  const after = await ops.send<DebitInquiry>('GET', path);
  expect(after.body).toMatchObject({
    channel: { status: 'succeeded' },
    reversal: { status: 'reversed', reversedAt: expect.any(String) },
    refund: { state: 'succeeded', amount: debit.payload.amount },
  });
});

it('a reference the channel never received is not_found there, with no records; an unknown channel 404; a channel that cannot be asked 503; operators only', async () => {
  const never = await ops.send<DebitInquiry>('GET', '/v1/channels/bank-alpha/debits/pi_never-sent');
  expect(never.status).toBe(200);
  expect(never.body).toMatchObject({ channel: { status: 'not_found', amount: null }, reversal: null, debit: null, refund: null });

  expect((await ops.send<ErrorBody>('GET', '/v1/channels/no-such-bank/debits/pi_x')).body.error.code).toBe('not_found');
  expect((await ops.send<ErrorBody>('GET', '/v1/channels/bank-alpha/debits/not-an-intent')).status).toBe(400);
  expect((await ops.send<ErrorBody>('GET', '/v1/channels/bank-alpha/debits/pi_x', 'portal')).status).toBe(403);

  await h.simulators['bank-alpha'].control({ outage: true });
  try {
    const down = await ops.send<ErrorBody>('GET', '/v1/channels/bank-alpha/debits/pi_never-sent');
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe('channel_unavailable');
  } finally {
    await h.simulators['bank-alpha'].control({ outage: false });
  }
});
