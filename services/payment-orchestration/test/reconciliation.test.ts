// Issue 15, reconciliation: payment orchestration and the bank adapter on the same topics (their
// harnesses), the channel simulators over real HTTP, and the adapter's operator API served for real
// so orchestration reads each announced settlement file from it, signed as its own operator client.
// The bank's file is made to differ from what it did with the simulator's settlement faults.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { EventOf, IntentResponse } from '@gateway/contracts';
import type { ClientsFile, EventConsumer, HttpServer } from '@gateway/kit';
import { testInfra, testKafka, testLogger, uniqueName, waitFor } from '@gateway/testkit';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { buildApp as buildAdapterApp } from '../../bank-adapter/src/app.ts';
import { fetchSettlementFile } from '../../bank-adapter/src/flows/fetch-settlement-file.flow.ts';
import { createChannelSwitchStore } from '../../bank-adapter/src/store/redis-channel-switch-store.ts';
import { payers } from '../../bank-adapter/test/support/adapter-harness.ts';
import { createSettlementFileClient } from '../src/clients/settlement-file.client.ts';
import { createSettlementFilesConsumer } from '../src/events/settlement-files.consumer.ts';
import { reconcileSettlementFile } from '../src/flows/reconcile-settlement-file.flow.ts';
import { ledgerLines } from '../src/store/pg-reconciliation-store.ts';
import { acrossServices } from './support/across-services.ts';

const both = acrossServices();
const run = randomUUID().slice(0, 8);
const reconciler = { clientId: `recon-${run}`, keyId: `recon-${run}`, secret: randomBytes(32).toString('base64') };
let adapterApp: HttpServer;
let redis: Redis;
let consumer: EventConsumer;
let settlementFiles: ReturnType<typeof createSettlementFileClient>;

beforeAll(async () => {
  const { h, adapter } = both;
  redis = new Redis(testInfra().redisUrl);
  const logger = testLogger('reconciliation');
  const clients: ClientsFile = [{ clientId: reconciler.clientId, kind: 'operator', keys: [{ keyId: reconciler.keyId, secret: reconciler.secret }] }];
  adapterApp = buildAdapterApp({
    logger,
    auth: { clients, redis, logger },
    readiness: [],
    registry: new Registry(),
    pool: adapter.db.pool,
    gateway: adapter.adapter.gateway,
    switches: createChannelSwitchStore(redis, `${run}:`),
    resultsTopic: adapter.topics.results,
  });
  const baseUrl = await adapterApp.listen({ host: '127.0.0.1', port: 0 });
  settlementFiles = createSettlementFileClient({ baseUrl, keyId: reconciler.keyId, secret: reconciler.secret, timeoutMs: 5_000 });
  consumer = createSettlementFilesConsumer({
    pool: h.db.pool,
    kafka: testKafka(),
    logger,
    settlementFiles,
    channels: h.config.catalogues.channels,
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
    expect(await reconcileSettlementFile(client, event, { settlementFiles, channels: both.h.config.catalogues.channels })).toBe('unchanged');
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

  // Not built yet: said as such, and the exception stays open.
  const notBuilt = exceptions.find((e) => e.kind === 'missing_at_channel')!;
  const refund = await resolve(notBuilt.exceptionId, { action: 'refund', note: 'give it back' });
  expect(refund.status).toBe(409);
  expect(refund.body).toMatchObject({ error: { code: 'invalid_state', details: { reason: 'not_built' } } });

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
