// Issue 15, reconciliation: payment orchestration and the bank adapter on the same topics (their
// harnesses), the channel simulators over real HTTP, and the adapter's operator API served for real
// so orchestration reads each announced settlement file from it, signed as its own operator client.
// The bank's file is made to differ from what it did with the simulator's settlement faults.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { BillSnapshot, EventOf, IntentResponse } from '@gateway/contracts';
import type { EventConsumer, HttpServer } from '@gateway/kit';
import { testInfra, testKafka, testLogger, uniqueName, waitFor } from '@gateway/testkit';
import { Redis } from 'ioredis';
import { fetchSettlementFile } from '../../bank-adapter/src/flows/fetch-settlement-file.flow.ts';
import { payers } from '../../bank-adapter/test/support/adapter-harness.ts';
import { createSettlementFileClient } from '../src/clients/settlement-file.client.ts';
import { createSettlementFilesConsumer } from '../src/events/settlement-files.consumer.ts';
import { reconcileSettlementFile } from '../src/flows/reconcile-settlement-file.flow.ts';
import { ledgerLines } from '../src/store/pg-reconciliation-store.ts';
import { acrossServices, bankIntentLeftUnknown } from './support/across-services.ts';
import { runOperatorClient, serveAdapterOperatorApi } from './support/adapter-operator-api.ts';

const both = acrossServices();
const run = randomUUID().slice(0, 8);
const reconciler = runOperatorClient('recon');
let adapterApp: HttpServer;
let redis: Redis;
let consumer: EventConsumer;
let settlementFiles: ReturnType<typeof createSettlementFileClient>;

beforeAll(async () => {
  const { h } = both;
  redis = new Redis(testInfra().redisUrl);
  const logger = testLogger('reconciliation');
  const served = await serveAdapterOperatorApi(both, { operator: reconciler, redis, logger });
  adapterApp = served.app;
  const baseUrl = served.baseUrl;
  settlementFiles = createSettlementFileClient({ baseUrl, keyId: reconciler.keyId, secret: reconciler.secret, timeoutMs: 5_000 });
  consumer = createSettlementFilesConsumer({
    pool: h.db.pool,
    kafka: testKafka(),
    logger,
    settlementFiles,
    catalogues: h.config.catalogues,
    topics: h.topics,
    topic: h.topics.results,
    groupId: uniqueName('payments.reconciliation'),
    consumerOptions: { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 300 },
  });
  await consumer.start();
  await consumer.joined();
});
afterAll(async () => {
  await consumer?.stop();
  await adapterApp?.close();
  await redis?.quit();
});

type Side = { count: number; amount: { amount: number; currency: string } };
type ExceptionBody = {
  exceptionId: string;
  kind: string;
  reference: string;
  ours: Record<string, unknown> | null;
  theirs: Record<string, unknown> | null;
  status: string;
  resolution: { action: string; note: string; by: string; at: string } | null;
};
type Reconciliation = { status: string; file: { fileId: string; sha256: string } | null; ours: Side; theirs: Side; exceptions: ExceptionBody[] };

const bank = () => both.adapter.simulators['bank-alpha'];

/** A bank-alpha intent paid in full; its reference, the amount debited and the payment's business date. */
async function paidIntent(): Promise<{ reference: string; debited: number; businessDate: string }> {
  const { h } = both;
  const bill = await h.issueBill();
  const created = await h.send<IntentResponse>('POST', '/v1/payment-intents', {
    body: { billerId: bill.billerId, accountNo: bill.accountNo, billIds: [bill.billId], amount: bill.amountDue, channelId: 'bank-alpha', payer: { accountNo: payers['bank-alpha'].accountNo } },
  });
  expect(created.status).toBe(201);
  await h.waitForStatus(created.body.intentId, 'succeeded');
  const [txn] = await bank().transactions(created.body.intentId);
  const { rows } = await h.db.pool.query<{ business_date: string }>("SELECT to_char(business_date, 'YYYY-MM-DD') AS business_date FROM payments WHERE intent_id = $1", [created.body.intentId]);
  return { reference: created.body.intentId, debited: txn!.amount.amount, businessDate: rows[0]!.business_date };
}

async function fetchFile(businessDate: string): Promise<string> {
  const { adapter } = both;
  const fetched = await fetchSettlementFile({ pool: adapter.db.pool, gateway: adapter.adapter.gateway, resultsTopic: adapter.topics.results }, { channelId: 'bank-alpha', businessDate, actor: 'test' });
  if (fetched.kind !== 'stored') throw new Error(`expected a new file version, got ${fetched.kind}`);
  return fetched.file.fileId;
}

const get = (businessDate: string, as: 'operator' | 'portal' = 'operator') => both.h.send<Reconciliation>('GET', `/v1/reconciliations/bank-alpha/${businessDate}`, { as });

/** The day's result once it is of the file `fileId`. */
async function resultOf(businessDate: string, fileId: string): Promise<Reconciliation> {
  return waitFor(async () => {
    const res = await get(businessDate);
    return res.body.file?.fileId === fileId ? res.body : undefined;
  }, { timeoutMs: 20_000, message: `the reconciliation of file ${fileId}` });
}

const resolve = (id: string, body: unknown, person = 'alice') =>
  both.h.send<ExceptionBody>('POST', `/v1/reconciliation-exceptions/${id}/resolve`, { as: 'operator', body, person, idempotencyKey: null });

let day: string;
let first: { reference: string; debited: number };
let exceptions: ExceptionBody[];

it('a day is pending until its file is matched; a file that agrees with the ledger is matched, and a redelivered announcement changes nothing', async () => {
  const paid = await paidIntent();
  day = paid.businessDate;
  first = paid;
  const pending = await get(day);
  expect(pending.status).toBe(200);
  expect(pending.body).toMatchObject({ status: 'pending', file: null, ours: { count: 1, amount: { amount: paid.debited } }, theirs: { count: 0 }, exceptions: [] });

  const fileId = await fetchFile(day);
  const matched = await resultOf(day, fileId);
  expect(matched).toMatchObject({ status: 'matched', ours: { count: 1, amount: { amount: paid.debited, currency: 'SYP' } }, theirs: { count: 1, amount: { amount: paid.debited, currency: 'SYP' } }, exceptions: [] });

  // The same announcement again (a redelivery): the result made from that file stays as it is.
  const event = (await both.adapter.results.expectEvent((e) => e.type === 'channel.settlement-file-fetched' && e.payload.fileId === fileId)) as EventOf<'channel.settlement-file-fetched'>;
  const before = await both.h.db.pool.query('SELECT * FROM reconciliations WHERE channel_id = $1', ['bank-alpha']);
  const client = await both.h.db.pool.connect();
  try {
    expect(await reconcileSettlementFile(client, event, { settlementFiles, catalogues: both.h.config.catalogues })).toBe('unchanged');
  } finally {
    client.release();
  }
  expect((await both.h.db.pool.query('SELECT * FROM reconciliations WHERE channel_id = $1', ['bank-alpha'])).rows).toEqual(before.rows);
});

it('a file that differs from what happened gives one exception of each kind, with both sides evidence', async () => {
  const missing = await paidIntent();
  const changed = await paidIntent();
  const reversed = await paidIntent();
  expect([missing.businessDate, changed.businessDate, reversed.businessDate]).toEqual([day, day, day]);
  await bank().control({
    settlementOmit: [missing.reference],
    settlementAmounts: { [changed.reference]: changed.debited + 100 },
    settlementExtraRows: [
      { reference: 'pi_never_heard_of', amount: 5_000 },
      { reference: reversed.reference, amount: reversed.debited, status: 'reversed' },
    ],
  });
  let fileId: string;
  try {
    fileId = await fetchFile(day);
  } finally {
    await bank().control({ settlementOmit: [], settlementAmounts: {}, settlementExtraRows: [] });
  }
  const result = await resultOf(day, fileId);
  expect(result.status).toBe('exceptions');
  expect(result.ours).toEqual({ count: 4, amount: { amount: first.debited + missing.debited + changed.debited + reversed.debited, currency: 'SYP' } });
  // Theirs: the first, the changed one (+100), the reversed one's debit, its reversal (counted back) and the unknown debit.
  expect(result.theirs).toEqual({ count: 5, amount: { amount: first.debited + changed.debited + 100 + 5_000, currency: 'SYP' } });
  const byKind = Object.fromEntries(result.exceptions.map((e) => [e.kind, e]));
  expect(result.exceptions).toHaveLength(4);
  expect(byKind['missing_at_channel']).toMatchObject({ reference: missing.reference, status: 'open', ours: { status: 'succeeded', amount: missing.debited, paymentId: expect.any(String) }, theirs: null });
  expect(byKind['amount_mismatch']).toMatchObject({ reference: changed.reference, ours: { amount: changed.debited }, theirs: { amount: changed.debited + 100, status: 'succeeded' } });
  expect(byKind['missing_here']).toMatchObject({ reference: 'pi_never_heard_of', ours: null, theirs: { amount: 5_000, status: 'succeeded', txnId: expect.any(String) } });
  expect(byKind['status_mismatch']).toMatchObject({ reference: reversed.reference, ours: { status: 'succeeded', amount: reversed.debited }, theirs: { status: 'reversed', amount: reversed.debited } });
  exceptions = result.exceptions;
});

it('an operator resolves an exception with accept or write_off, idempotently and audited with the person; another resolution is 409', async () => {
  const accept = exceptions.find((e) => e.kind === 'amount_mismatch')!;
  const writeOff = exceptions.find((e) => e.kind === 'missing_here')!;

  const accepted = await resolve(accept.exceptionId, { action: 'accept', note: 'the bank rounds its fee' });
  expect(accepted.status).toBe(200);
  expect(accepted.body).toMatchObject({ exceptionId: accept.exceptionId, status: 'resolved', resolution: { action: 'accept', note: 'the bank rounds its fee', by: expect.stringMatching(/\/alice$/) } });
  const again = await resolve(accept.exceptionId, { action: 'accept', note: 'said twice' });
  expect(again.status).toBe(200);
  expect(again.body.resolution).toEqual(accepted.body.resolution);
  const other = await resolve(accept.exceptionId, { action: 'write_off', note: 'changed my mind' });
  expect(other.status).toBe(409);
  expect(other.body).toMatchObject({ error: { code: 'invalid_state', details: { reason: 'already_resolved' } } });

  expect((await resolve(writeOff.exceptionId, { action: 'write_off', note: 'not ours to chase' }, 'bob')).body).toMatchObject({ status: 'resolved', resolution: { action: 'write_off' } });

  // Nothing the channel debited to give back: said as such, and the exception stays open.
  const notDebited = exceptions.find((e) => e.kind === 'missing_at_channel')!;
  const refund = await resolve(notDebited.exceptionId, { action: 'refund', note: 'give it back' });
  expect(refund.status).toBe(409);
  expect(refund.body).toMatchObject({ error: { code: 'invalid_state', details: { reason: 'no_debit_in_file', status: 'open' } } });
  // Nor anything to record: the file shows no debit for it, and for a debit it shows reversed the debit paid its bills.
  expect((await resolve(notDebited.exceptionId, { action: 'record_payment', note: 'x' })).body).toMatchObject({ error: { code: 'invalid_state', details: { reason: 'no_debit_in_file' } } });
  const reversedThere = exceptions.find((e) => e.kind === 'status_mismatch')!;
  for (const action of ['record_payment', 'refund']) {
    expect((await resolve(reversedThere.exceptionId, { action, note: 'x' })).body).toMatchObject({ error: { code: 'invalid_state', details: { reason: 'no_debit_in_file', status: 'open' } } });
  }

  const { rows } = await both.h.db.pool.query<{ actor: string; action: string; target: string; detail: Record<string, unknown> }>(
    "SELECT actor, action, target, detail FROM audit_log WHERE action = 'reconciliation-exception.resolve' ORDER BY id",
  );
  expect(rows).toEqual([
    { actor: expect.stringMatching(/\/alice$/), action: 'reconciliation-exception.resolve', target: accept.exceptionId, detail: expect.objectContaining({ resolution: 'accept', kind: 'amount_mismatch' }) },
    { actor: expect.stringMatching(/\/bob$/), action: 'reconciliation-exception.resolve', target: writeOff.exceptionId, detail: expect.objectContaining({ resolution: 'write_off', kind: 'missing_here' }) },
  ]);
  const day2 = await get(day);
  expect(day2.body.exceptions.filter((e) => e.status === 'resolved').map((e) => e.exceptionId).sort()).toEqual([accept.exceptionId, writeOff.exceptionId].sort());
});

it('a corrected file re-runs the match and supersedes the previous result', async () => {
  const fileId = await fetchFile(day);
  const corrected = await resultOf(day, fileId);
  expect(corrected).toMatchObject({ status: 'matched', exceptions: [] });
  expect(corrected.ours).toEqual(corrected.theirs);
  const { rows } = await both.h.db.pool.query<{ status: string; n: number }>('SELECT status, count(*) AS n FROM reconciliation_exceptions GROUP BY status ORDER BY status');
  expect(rows).toEqual([
    { status: 'resolved', n: 2 },
    { status: 'superseded', n: 2 },
  ]);
  const stale = await resolve(exceptions.find((e) => e.kind === 'status_mismatch')!.exceptionId, { action: 'accept', note: 'too late' });
  expect(stale.status).toBe(409);
  expect(stale.body).toMatchObject({ error: { code: 'invalid_state', details: { reason: 'superseded' } } });
});

it('only operators see or resolve reconciliations; unknown channels and exceptions are 404', async () => {
  expect((await get(day, 'portal')).status).toBe(403);
  expect((await both.h.send('POST', `/v1/reconciliation-exceptions/${exceptions[0]!.exceptionId}/resolve`, { as: 'portal', body: { action: 'accept', note: 'x' } })).status).toBe(403);
  expect((await both.h.send('GET', `/v1/reconciliations/no-such-channel/${day}`, { as: 'operator' })).status).toBe(404);
  expect((await resolve('rex_nope', { action: 'accept', note: 'x' })).status).toBe(404);
});

it("dates a debit given back by the channel's cut-off, as the bank's file does: from 23:00 local it is the next day's", async () => {
  // An intent whose debit was refunded at 23:30 local (20:30 UTC) on 2026-11-01, after bank-alpha's
  // 23:00 cut-off: the bank files the reversal under 2026-11-02, and so must our side of the match.
  const { reference } = await paidIntent();
  await both.h.db.pool.query(
    "UPDATE payment_intents SET created_at = '2026-11-01T20:10:00Z', refund_status = 'succeeded', refunded_at = '2026-11-01T20:30:00Z' WHERE intent_id = $1",
    [reference],
  );
  const bankAlpha = { cutOff: '23:00', timeZone: 'Asia/Damascus' };
  const linesOf = async (date: string) => (await ledgerLines(both.h.db.pool, 'bank-alpha', date, bankAlpha)).filter((l) => l.reference === reference && l.status === 'reversed').length;
  expect(await linesOf('2026-11-01')).toBe(0);
  expect(await linesOf('2026-11-02')).toBe(1);
  await both.h.db.pool.query("UPDATE payment_intents SET refunded_at = '2026-11-01T19:59:59Z' WHERE intent_id = $1", [reference]);
  expect(await linesOf('2026-11-01')).toBe(1);
  expect(await linesOf('2026-11-02')).toBe(0);
});

/** A bank-alpha intent for the whole of `bill` that the bank declined (no money moved, as far as we heard). */
async function declinedIntent(bill: BillSnapshot): Promise<{ reference: string; debit: number }> {
  const { h } = both;
  await bank().control({ declineRate: 1 });
  try {
    const created = await h.send<IntentResponse>('POST', '/v1/payment-intents', {
      body: { billerId: bill.billerId, accountNo: bill.accountNo, billIds: [bill.billId], amount: bill.amountDue, channelId: 'bank-alpha', payer: { accountNo: payers['bank-alpha'].accountNo } },
    });
    expect(created.status).toBe(201);
    await h.waitForStatus(created.body.intentId, 'failed');
    return { reference: created.body.intentId, debit: created.body.amount.amount + (created.body.fee?.amount ?? 0) };
  } finally {
    await bank().control({ declineRate: 0 });
  }
}

const intentOf = async (intentId: string) => (await both.h.send<IntentResponse>('GET', `/v1/payment-intents/${intentId}`)).body;

it('record_payment records the debit the file shows as its intent’s payment (payment.completed through the outbox), refund gives it back through the refund command; what cannot be done is 409 with why', async () => {
  const { h } = both;
  // The bank said "declined" for these two, yet its file shows each debited (a debit we never heard of).
  const recordBill = await h.issueBill();
  const toRecord = await declinedIntent(recordBill);
  const refundBill = await h.issueBill();
  const toRefund = await declinedIntent(refundBill);
  // The second one's bill is paid in a wallet meanwhile: its debit cannot become a payment.
  const walletPaid = await h.send('POST', '/v1/payments', {
    as: 'wallet-one',
    body: { channelTxnId: `W1-R-${run}`, billerId: refundBill.billerId, accountNo: refundBill.accountNo, billIds: [refundBill.billId], amount: refundBill.amountDue, paidAt: h.clock().toISOString() },
  });
  expect(walletPaid.status).toBe(201);
  const changed = await paidIntent();
  await bank().control({
    settlementAmounts: { [changed.reference]: changed.debited + 1 },
    settlementExtraRows: [
      { reference: toRecord.reference, amount: toRecord.debit },
      { reference: toRefund.reference, amount: toRefund.debit },
      { reference: 'pi_ghost', amount: 700 },
    ],
  });
  let fileId: string;
  try {
    fileId = await fetchFile(day);
  } finally {
    await bank().control({ settlementAmounts: {}, settlementExtraRows: [] });
  }
  const result = await resultOf(day, fileId);
  const open = (reference: string) => result.exceptions.find((e) => e.reference === reference && e.status === 'open')!;
  expect(open(toRecord.reference)).toMatchObject({ kind: 'missing_here', ours: null, theirs: { status: 'succeeded', amount: toRecord.debit } });
  expect(open(toRefund.reference)).toMatchObject({ kind: 'missing_here' });
  expect(open(changed.reference)).toMatchObject({ kind: 'amount_mismatch' });

  // record_payment: the intent succeeds with a payment of the file's day, and billing hears of it.
  const recorded = await resolve(open(toRecord.reference).exceptionId, { action: 'record_payment', note: 'the bank debited after all' });
  expect(recorded.status).toBe(200);
  expect(recorded.body).toMatchObject({ status: 'resolved', resolution: { action: 'record_payment', by: expect.stringMatching(/\/alice$/) } });
  expect(await intentOf(toRecord.reference)).toMatchObject({ status: 'succeeded', paymentId: expect.any(String) });
  const { rows: payments } = await h.db.pool.query<{ business_date: string; channel_txn_id: string }>(
    "SELECT to_char(business_date, 'YYYY-MM-DD') AS business_date, channel_txn_id FROM payments WHERE intent_id = $1",
    [toRecord.reference],
  );
  expect(payments).toEqual([{ business_date: day, channel_txn_id: String(open(toRecord.reference).theirs!['txnId']) }]);
  expect((await h.outbox(toRecord.reference)).filter((e) => e.type === 'payment.completed')).toEqual([
    expect.objectContaining({ topic: 'payments.payments', payload: expect.objectContaining({ intentId: toRecord.reference, billerId: recordBill.billerId, businessDate: day }) }),
  ]);
  expect(await h.count('payment_allocations', 'bill_id = $1', [recordBill.billId])).toBe(1);
  // Idempotent; another action on it is refused.
  expect((await resolve(open(toRecord.reference).exceptionId, { action: 'record_payment', note: 'again' })).body.resolution).toEqual(recorded.body.resolution);
  expect(await h.count('payments', 'intent_id = $1', [toRecord.reference])).toBe(1);
  expect((await resolve(open(toRecord.reference).exceptionId, { action: 'refund', note: 'no' })).body).toMatchObject({ error: { code: 'invalid_state', details: { reason: 'already_resolved' } } });

  // The bill the other debit was for is paid: recording is refused with the payment's own code, nothing changes.
  const notRecorded = await resolve(open(toRefund.reference).exceptionId, { action: 'record_payment', note: 'try' });
  expect(notRecorded.status).toBe(409);
  expect(notRecorded.body).toMatchObject({ error: { code: 'bill_already_paid', details: { reason: 'payment_refused', status: 'open', resolution: null } } });
  expect(await intentOf(toRefund.reference)).toMatchObject({ status: 'failed' });
  // So it is given back: the intent is canceled and channel.refund-requested names the file's debit.
  const refunded = await resolve(open(toRefund.reference).exceptionId, { action: 'refund', note: 'bought nothing' }, 'bob');
  expect(refunded.status).toBe(200);
  expect(refunded.body).toMatchObject({ status: 'resolved', resolution: { action: 'refund', by: expect.stringMatching(/\/bob$/) } });
  const command = await h.commands.expectEvent((e) => e.type === 'channel.refund-requested' && e.key === toRefund.reference);
  expect(command.payload).toMatchObject({ intentId: toRefund.reference, channelTxnId: open(toRefund.reference).theirs!['txnId'], amount: { amount: toRefund.debit } });
  expect(await intentOf(toRefund.reference)).toMatchObject({ status: 'canceled', refund: { status: expect.any(String) } });
  expect((await resolve(open(toRefund.reference).exceptionId, { action: 'refund', note: 'again' })).status).toBe(200);
  expect((await h.outbox(toRefund.reference)).filter((e) => e.type === 'channel.refund-requested')).toHaveLength(1);
  // The adapter only reverses debits it made (this one it heard declined): the refund is refused there, for a person.
  await waitFor(async () => ((await intentOf(toRefund.reference)).refund?.status === 'refused' ? true : undefined), { timeoutMs: 20_000, message: 'the adapter’s answer to the refund' });
  // A debit being given back stands at the channel until its reversal succeeds: it is on our side of its day.
  const ours = await ledgerLines(h.db.pool, 'bank-alpha', day, { cutOff: '23:00', timeZone: 'Asia/Damascus' });
  expect(ours.filter((l) => l.reference === toRefund.reference)).toEqual([expect.objectContaining({ status: 'succeeded', amount: toRefund.debit })]);

  // Nothing here to record or give back: no intent of ours, or an intent whose debit paid its bills.
  for (const action of ['record_payment', 'refund']) {
    expect((await resolve(open('pi_ghost').exceptionId, { action, note: 'x' })).body).toMatchObject({ error: { code: 'invalid_state', details: { reason: 'no_intent' } } });
    expect((await resolve(open(changed.reference).exceptionId, { action, note: 'x' })).body).toMatchObject({ error: { code: 'invalid_state', details: { reason: 'intent_paid' } } });
  }
  const { rows: audit } = await h.db.pool.query<{ target: string; detail: Record<string, unknown> }>(
    "SELECT target, detail FROM audit_log WHERE action = 'reconciliation-exception.resolve' AND detail->>'resolution' IN ('record_payment', 'refund') ORDER BY id",
  );
  expect(audit).toEqual([
    { target: open(toRecord.reference).exceptionId, detail: expect.objectContaining({ resolution: 'record_payment', paymentId: expect.any(String) }) },
    { target: open(toRefund.reference).exceptionId, detail: expect.objectContaining({ resolution: 'refund', intentId: toRefund.reference }) },
  ]);
});

it('an unknown intent the file shows debited is settled from it (its payment recorded on the file’s day) and is no exception', async () => {
  const { h, adapter } = both;
  // No status inquiries: only the file can say what happened to the debit whose reply was lost.
  await adapter.adapter.poller.stop();
  try {
    const bill = await h.issueBill();
    const intent = await bankIntentLeftUnknown(both, bill, { dropReplyRate: 1 }, { dropReplyRate: 0 });
    const fileId = await fetchFile(day);
    const result = await resultOf(day, fileId);
    expect(result.exceptions.filter((e) => e.reference === intent.intentId)).toEqual([]);
    const settled = await intentOf(intent.intentId);
    expect(settled).toMatchObject({ status: 'succeeded', paymentId: expect.any(String) });
    const [txn] = await bank().transactions(intent.intentId);
    const { rows } = await h.db.pool.query("SELECT to_char(business_date, 'YYYY-MM-DD') AS business_date, channel_txn_id FROM payments WHERE intent_id = $1", [intent.intentId]);
    expect(rows).toEqual([{ business_date: day, channel_txn_id: txn!.txnId }]);
    expect((await h.outbox(intent.intentId)).map((e) => e.type)).toEqual(expect.arrayContaining(['payment.completed', 'intent.succeeded']));
  } finally {
    await adapter.restart();
  }
});

it('an unknown intent whose debit the file shows but cannot pay (the bill was paid meanwhile) is asked about at the adapter; its refund, reply lost, ends succeeded by inquiry, and the reversal is on our side of the match as the bank files it', async () => {
  const { h, adapter } = both;
  await adapter.adapter.poller.stop();
  let intentId = '';
  try {
    const bill = await h.issueBill();
    const intent = await bankIntentLeftUnknown(both, bill, { dropReplyRate: 1 }, { dropReplyRate: 0 });
    intentId = intent.intentId;
    // The bill is paid in a wallet meanwhile, so the debit the file shows bought nothing here.
    const paid = await h.send('POST', '/v1/payments', {
      as: 'wallet-one',
      body: { channelTxnId: `W1-U-${run}`, billerId: bill.billerId, accountNo: bill.accountNo, billIds: [bill.billId], amount: bill.amountDue, paidAt: h.clock().toISOString() },
    });
    expect(paid.status).toBe(201);
    // The file cannot make the debit a payment, and the adapter (which lost the reply) cannot reverse a
    // debit it does not know: the match asks it for the status, and its answer takes the automatic
    // refund's path. The reversal's reply is lost too.
    await bank().control({ dropReplyRate: 1 });
    try {
      const fileId = await fetchFile(day);
      const first = await resultOf(day, fileId);
      expect(first.exceptions.filter((e) => e.reference === intentId)).toEqual([expect.objectContaining({ kind: 'missing_here', status: 'open' })]);
      await h.commands.expectEvent((e) => e.type === 'channel.status-requested' && e.key === intentId);
      await adapter.results.expectEvent((e) => e.type === 'channel.refund-unknown' && e.key === intentId, 30_000);
    } finally {
      await bank().control({ dropReplyRate: 0 });
    }
  } finally {
    await adapter.restart();
  }
  // The adapter's inquiry finds the debit reversed.
  await h.intents.expectEvent((e) => e.type === 'intent.refunded' && e.key === intentId, 30_000);
  expect(await intentOf(intentId)).toMatchObject({ status: 'canceled', refund: { status: 'succeeded' } });
  expect((await bank().transactions(intentId)).map((t) => t.status)).toEqual(['reversed']);

  // The bank's next file has the debit and its reversal, and so has our side: nothing left for the reference.
  const fileId = await fetchFile(day);
  const result = await resultOf(day, fileId);
  expect(result.exceptions.filter((e) => e.reference === intentId && e.status === 'open')).toEqual([]);
  const bankAlpha = { cutOff: '23:00', timeZone: 'Asia/Damascus' };
  const statuses = async () => (await ledgerLines(h.db.pool, 'bank-alpha', day, bankAlpha)).filter((l) => l.reference === intentId).map((l) => l.status).sort();
  expect(await statuses()).toEqual(['reversed', 'succeeded']);
  // A debit of yesterday given back today: its reversal is on today's side, the debit on yesterday's.
  await h.db.pool.query("UPDATE payment_intents SET created_at = created_at - interval '1 day' WHERE intent_id = $1", [intentId]);
  expect(await statuses()).toEqual(['reversed']);
});
