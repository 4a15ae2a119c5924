// The Reconciliation and Complaints screens' API and the intents' refund, through the console against
// payment orchestration's real app over its own fresh database: a day's result with its exceptions
// (written with orchestration's own store function, as its settlement-file consumer writes it; the
// matching is covered by orchestration's reconciliation test), a complaint filed by a channel, an
// intent flagged payment_refused. Shows: every role reads; only operator and admin act (a viewer's
// action is 403 and never reaches orchestration); each action reaches orchestration with the person,
// which audits it; orchestration's 409 and 400 come back with their message.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { money } from '@gateway/contracts';
import type { HttpServer } from '@gateway/kit';
import { createTestDatabase, testInfra, testKafka, testLogger } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { send } from '../../../bench/signed-client.ts';
import { buildApp as buildOrchestrationApp } from '../../payment-orchestration/src/app.ts';
import { readConfig } from '../../payment-orchestration/src/config.ts';
import { createOtpForwarder } from '../../payment-orchestration/src/events/otp-forwarder.producer.ts';
import type { OtpForwarder } from '../../payment-orchestration/src/events/otp-forwarder.producer.ts';
import { insertIntent, queueReconciliation, saveIntent } from '../../payment-orchestration/src/store/pg-intent-store.ts';
import { saveReconciliation } from '../../payment-orchestration/src/store/pg-reconciliation-store.ts';
import { migrationsDir as orchestrationMigrations } from '../../payment-orchestration/test/support/harness.ts';
import { browser, startConsoleHarness } from './support/console-harness.ts';
import type { ConsoleHarness } from './support/console-harness.ts';

let h: ConsoleHarness;
let app: HttpServer;
let orchestration: HttpServer;
let orchestrationUrl: string;
let db: TestDatabase;
let redis: Redis;
let otpForwarder: OtpForwarder;
/** What orchestration received, so a refused request can be shown never to have left the console. */
const received: string[] = [];
const channelKey = { keyId: `bank-alpha-${randomUUID().slice(0, 8)}`, secret: randomBytes(32).toString('base64') };

beforeAll(async () => {
  h = await startConsoleHarness();
  db = await createTestDatabase({ migrationsDir: orchestrationMigrations });
  const infra = testInfra();
  redis = new Redis(infra.redisUrl);
  const logger = testLogger('console-reconciliation-orchestration');
  otpForwarder = createOtpForwarder({ kafka: testKafka(), logger });
  orchestration = buildOrchestrationApp({
    pool: db.pool,
    redis,
    logger,
    config: readConfig({ DATABASE_URL: db.url, KAFKA_BROKERS: infra.kafkaBrokers.join(','), REDIS_URL: infra.redisUrl }),
    otpForwarder,
    auth: {
      clients: [
        { clientId: h.consoleClientId, kind: 'operator', keys: [h.consoleKey] },
        { clientId: 'bank-alpha', kind: 'channel', keys: [channelKey] },
      ],
      redis,
      logger,
    },
    readiness: [],
    registry: new Registry(),
  });
  orchestration.addHook('onRequest', (request, _reply, done) => {
    received.push(`${request.method} ${request.url}`);
    done();
  });
  await orchestration.listen({ host: '127.0.0.1', port: 0 });
  orchestrationUrl = `http://127.0.0.1:${(orchestration.server.address() as AddressInfo).port}`;
  app = await h.build({ services: { 'payment-orchestration': orchestrationUrl } });
});
afterAll(async () => {
  await orchestration?.close();
  await otpForwarder?.stop();
  await redis?.quit();
  await db?.drop();
  await h?.close();
});

async function auditOf(action: string, target: string): Promise<{ actor: string }[]> {
  return (await db.pool.query<{ actor: string }>('SELECT actor FROM audit_log WHERE action = $1 AND target = $2', [action, target])).rows;
}

type Exception = { exceptionId: string; kind: string; reference: string; status: string; resolution: { action: string; note: string; by: string } | null };

describe('console: reconciliation', () => {
  it('shows a day with its exceptions to every role; an operator resolves one, audited with the person; a viewer cannot; a 409 keeps its message', async () => {
    const reference = `pi_${randomUUID()}`;
    const client = await db.pool.connect();
    try {
      await saveReconciliation(client, {
        channelId: 'wallet-two',
        businessDate: '2026-11-20',
        fileId: 'sfl_console_1',
        sha256: 'ab'.repeat(32),
        fetchedAt: new Date().toISOString(),
        status: 'exceptions',
        currency: 'SYP',
        ours: { count: 0, amount: 0 },
        theirs: { count: 1, amount: 7_500 },
        exceptions: [{ exceptionId: `rex_${randomUUID()}`, kind: 'missing_here', reference, ours: null, theirs: { amount: 7_500, status: 'succeeded', txnId: 'W2-X' } }],
        at: new Date(),
      });
    } finally {
      client.release();
    }

    const viewer = browser(app);
    await viewer.signIn(h.users.viewer);
    const day = await viewer.send<{ status: string; theirs: unknown; exceptions: Exception[] }>('GET', '/api/reconciliations/wallet-two/2026-11-20');
    expect(day.status).toBe(200);
    expect(day.body).toMatchObject({ status: 'exceptions', theirs: { count: 1, amount: { amount: 7_500, currency: 'SYP' } }, exceptions: [{ kind: 'missing_here', reference, status: 'open', resolution: null }] });
    const exceptionId = day.body.exceptions[0]!.exceptionId;
    expect((await viewer.send('GET', '/api/reconciliations/wallet-two/2026-11-31')).status).toBe(400);
    expect((await viewer.send('GET', '/api/reconciliations/no-such-channel/2026-11-20')).status).toBe(404);
    const pending = await viewer.send<{ status: string }>('GET', '/api/reconciliations/wallet-two/2026-11-21');
    expect(pending.body.status).toBe('pending');

    // A viewer's resolve is refused before anything is sent.
    const before = received.length;
    expect((await viewer.send('POST', `/api/reconciliation-exceptions/${exceptionId}/resolve`, { action: 'accept', note: 'looks right' })).status).toBe(403);
    expect(received.slice(before).filter((r) => r.startsWith('POST'))).toEqual([]);

    const operator = browser(app);
    await operator.signIn(h.users.operator);
    expect((await operator.send('POST', `/api/reconciliation-exceptions/${exceptionId}/resolve`, { action: 'forgive', note: 'looks right' })).status).toBe(400);
    expect((await operator.send('POST', `/api/reconciliation-exceptions/${exceptionId}/resolve`, { action: 'accept', note: 'x' })).status).toBe(400);
    const resolved = await operator.send<Exception>('POST', `/api/reconciliation-exceptions/${exceptionId}/resolve`, { action: 'write_off', note: 'the bank confirmed a test row' });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', resolution: { action: 'write_off', note: 'the bank confirmed a test row', by: `${h.consoleClientId}/${h.users.operator}` } });
    expect(await auditOf('reconciliation-exception.resolve', exceptionId)).toEqual([{ actor: `${h.consoleClientId}/${h.users.operator}` }]);

    // Another action on the resolved exception: orchestration's 409 with its message, as the screen shows it.
    const conflict = await operator.send<{ error: { code: string; message: string } }>('POST', `/api/reconciliation-exceptions/${exceptionId}/resolve`, { action: 'accept', note: 'second thoughts' });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error).toMatchObject({ code: 'invalid_state', message: expect.stringContaining('already resolved') });
    expect((await operator.send('POST', `/api/reconciliation-exceptions/rex_${randomUUID()}/resolve`, { action: 'accept', note: 'no such one' })).status).toBe(404);
  });
});

type Complaint = { complaintId: string; status: string; msisdn: string; assignedTo: string | null; resolution: string | null; evidence: Record<string, unknown> | null };

describe('console: complaints', () => {
  it('lists the queue to every role; an operator assigns to themselves and resolves, audited with the person; a viewer cannot; a closed complaint is 409', async () => {
    const filed = await send('POST', `${orchestrationUrl}/v1/complaints`, channelKey, { type: 'paid_not_settled', msisdn: '0944123456', description: 'I paid and my line is still cut' });
    expect(filed.status).toBe(201);
    const { complaintId } = filed.json as { complaintId: string };

    const viewer = browser(app);
    await viewer.signIn(h.users.viewer);
    const logged = await viewer.send<{ complaints: Complaint[] }>('GET', '/api/complaints?status=logged');
    expect(logged.status).toBe(200);
    expect(logged.body.complaints.find((c) => c.complaintId === complaintId)).toMatchObject({ msisdn: '+963944123456', assignedTo: null, evidence: { stuckAt: 'no_payment' } });
    expect((await viewer.send('GET', '/api/complaints?status=open')).status).toBe(400);
    const before = received.length;
    expect((await viewer.send('POST', `/api/complaints/${complaintId}/assign`, {})).status).toBe(403);
    expect(received.slice(before).filter((r) => r.startsWith('POST'))).toEqual([]);

    const operator = browser(app);
    await operator.signIn(h.users.operator);
    const assigned = await operator.send<Complaint>('POST', `/api/complaints/${complaintId}/assign`, {});
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ status: 'assigned', assignedTo: `${h.consoleClientId}/${h.users.operator}` });
    expect((await operator.send<{ complaints: Complaint[] }>('GET', '/api/complaints?status=assigned')).body.complaints.map((c) => c.complaintId)).toContain(complaintId);

    // Resolving needs the resolution the customer is told: orchestration's 400 names it.
    const noNote = await operator.send<{ error: { message: string } }>('POST', `/api/complaints/${complaintId}/resolve`, {});
    expect(noNote.status).toBe(400);
    expect(noNote.body.error.message).toContain('note');
    const resolved = await operator.send<Complaint>('POST', `/api/complaints/${complaintId}/resolve`, { note: 'Your line was reconnected.' });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', resolution: 'Your line was reconnected.' });
    const actors = (await db.pool.query<{ actor: string; action: string }>('SELECT actor, action FROM audit_log WHERE target = $1 ORDER BY id', [complaintId])).rows;
    expect(actors.filter((a) => a.actor === `${h.consoleClientId}/${h.users.operator}`).length).toBeGreaterThanOrEqual(2);

    const closed = await operator.send<{ error: { code: string; message: string } }>('POST', `/api/complaints/${complaintId}/reject`, { note: 'too late' });
    expect(closed.status).toBe(409);
    expect(closed.body.error).toMatchObject({ code: 'invalid_state', message: 'The complaint is resolved.' });
  });
});

describe('console: the operator refund of a queued intent', () => {
  it('gives back the debit of an intent flagged payment_refused, audited with the person; a viewer cannot; another intent is 409 with the reason', async () => {
    const intentId = `pi_${randomUUID()}`;
    const at = new Date();
    const record = {
      intentId,
      clientId: 'portal',
      billerId: 'telecom',
      accountNo: '0211234567',
      requestedBillIds: ['bil_console_r'],
      quotedBillIds: ['bil_console_r'],
      amount: money(150_000, 'SYP'),
      fee: money(0, 'SYP'),
      channelId: 'bank-alpha',
      reference: intentId,
      payer: { msisdn: null, accountNo: '1234567890123' },
      status: 'unknown' as const,
      expiresAt: new Date(at.getTime() + 15 * 60_000).toISOString(),
      otp: null,
      channelRef: null,
      lastError: null,
      reconciliation: { reason: 'payment_refused' as const, detail: 'bill_already_paid' },
      reconciliationSince: at.toISOString(),
      unknownSince: at.toISOString(),
      unknownAttempts: 0,
      paymentId: null,
      receiptNo: null,
      channelTxnId: 'BA-REFUSED-1',
      refund: null,
      correlationId: `corr-${intentId}`,
      createdAt: at.toISOString(),
    };
    const client = await db.pool.connect();
    try {
      await insertIntent(client, { ...record, status: 'processing', reconciliation: null, reconciliationSince: null }, { billIds: ['bil_console_r'], held: false });
      await saveIntent(client, record, at);
      await queueReconciliation(client, { intentId, channelId: 'bank-alpha', reason: 'payment_refused', detail: 'bill_already_paid', status: 'unknown', moneyMoved: 'yes', channelTxnId: 'BA-REFUSED-1', amount: money(150_000, 'SYP') });
    } finally {
      client.release();
    }

    const viewer = browser(app);
    await viewer.signIn(h.users.viewer);
    expect((await viewer.send('POST', `/api/intents/${intentId}/refund`, { reason: 'bill paid twice' })).status).toBe(403);

    const operator = browser(app);
    await operator.signIn(h.users.operator);
    expect((await operator.send('POST', `/api/intents/${intentId}/refund`, { reason: 'no' })).status).toBe(400);
    const refunded = await operator.send<{ status: string; refund: { status: string; amount: unknown } | null }>('POST', `/api/intents/${intentId}/refund`, { reason: 'the bill was paid by a wallet meanwhile' });
    expect(refunded.status).toBe(200);
    expect(refunded.body).toMatchObject({ status: 'canceled', refund: { status: 'requested', amount: money(150_000, 'SYP') } });
    expect(await auditOf('intent.refund', intentId)).toEqual([{ actor: `${h.consoleClientId}/${h.users.operator}` }]);
    // A second click: the same refund, not a second one.
    const again = await operator.send<{ refund: { status: string } }>('POST', `/api/intents/${intentId}/refund`, { reason: 'clicked twice' });
    expect(again.status).toBe(200);
    expect(await auditOf('intent.refund', intentId)).toHaveLength(1);

    const other = `pi_${randomUUID()}`;
    const c2 = await db.pool.connect();
    try {
      await insertIntent(c2, { ...record, intentId: other, reference: other, status: 'processing', reconciliation: null, reconciliationSince: null, channelTxnId: null }, { billIds: ['bil_console_r2'], held: false });
    } finally {
      c2.release();
    }
    const refused = await operator.send<{ error: { code: string; message: string } }>('POST', `/api/intents/${other}/refund`, { reason: 'not this one' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'invalid_state', message: expect.stringContaining('payment_refused') });
    expect((await operator.send('POST', `/api/intents/pi_${randomUUID()}/refund`, { reason: 'no such intent' })).status).toBe(404);
  });
});
