// "Intents needing a person" and the Channels details through the console's API, against the real
// services: payment orchestration's app over its own fresh database (the queued intent written with
// orchestration's own store functions, as its results consumer writes it; the path that queues it is
// covered in payment-orchestration's operator-intents test) and the real bank adapter with its debit
// for the same intent. Shows: the queue with its reason and both services' evidence, the adapter
// missing marked instead of failing the page, and a channel's stats and force-off history.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { money } from '@gateway/contracts';
import type { HttpServer } from '@gateway/kit';
import { createTestDatabase, testInfra, testKafka, testLogger } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { buildApp as buildOrchestrationApp } from '../../payment-orchestration/src/app.ts';
import { readConfig } from '../../payment-orchestration/src/config.ts';
import type { IntentRecord } from '../../payment-orchestration/src/domain/intent-record.ts';
import { createOtpForwarder } from '../../payment-orchestration/src/events/otp-forwarder.producer.ts';
import type { OtpForwarder } from '../../payment-orchestration/src/events/otp-forwarder.producer.ts';
import { insertIntent, queueReconciliation, saveIntent } from '../../payment-orchestration/src/store/pg-intent-store.ts';
import { migrationsDir as orchestrationMigrations } from '../../payment-orchestration/test/support/harness.ts';
import { browser, startConsoleHarness } from './support/console-harness.ts';
import type { ConsoleHarness } from './support/console-harness.ts';

let h: ConsoleHarness;
let app: HttpServer;
let adapterDown: HttpServer;
let orchestration: HttpServer;
let db: TestDatabase;
let redis: Redis;
let otpForwarder: OtpForwarder;

const syp = (amount: number) => money(amount, 'SYP');

function queuedIntent(intentId: string, at: Date): IntentRecord {
  return {
    intentId,
    clientId: 'portal',
    billerId: 'telecom',
    accountNo: '0211234567',
    requestedBillIds: ['bil_console_1'],
    quotedBillIds: ['bil_console_1'],
    amount: syp(150_000),
    fee: syp(0),
    channelId: 'bank-alpha',
    reference: intentId,
    payer: { msisdn: null, accountNo: '1234567890123' },
    status: 'unknown',
    expiresAt: new Date(at.getTime() + 15 * 60_000).toISOString(),
    otp: null,
    channelRef: null,
    lastError: null,
    reconciliation: { reason: 'status_inquiry_exhausted', detail: 'gave up after 8 inquiries' },
    reconciliationSince: at.toISOString(),
    unknownSince: at.toISOString(),
    unknownAttempts: 8,
    paymentId: null,
    receiptNo: null,
    channelTxnId: null,
    refund: null,
    correlationId: `corr-${intentId}`,
    createdAt: at.toISOString(),
  };
}

beforeAll(async () => {
  h = await startConsoleHarness();
  db = await createTestDatabase({ migrationsDir: orchestrationMigrations });
  const infra = testInfra();
  redis = new Redis(infra.redisUrl);
  const logger = testLogger('console-intents-orchestration');
  otpForwarder = createOtpForwarder({ kafka: testKafka(), logger });
  orchestration = buildOrchestrationApp({
    pool: db.pool,
    redis,
    logger,
    config: readConfig({ DATABASE_URL: db.url, KAFKA_BROKERS: infra.kafkaBrokers.join(','), REDIS_URL: infra.redisUrl }),
    otpForwarder,
    auth: { clients: [{ clientId: h.consoleClientId, kind: 'operator', keys: [h.consoleKey] }], redis, logger },
    readiness: [],
    registry: new Registry(),
  });
  await orchestration.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(orchestration.server.address() as AddressInfo).port}`;
  app = await h.build({ services: { 'payment-orchestration': url } });
  adapterDown = await h.build({ services: { 'payment-orchestration': url }, bankAdapterUrl: 'http://127.0.0.1:1' });
});
afterAll(async () => {
  await orchestration?.close();
  await otpForwarder?.stop();
  await redis?.quit();
  await db?.drop();
  await h?.close();
});

type Page = {
  intents: { intentId: string; known: boolean; status: string | null; reason: string; detail: string; amount: unknown; channelId: string; payer: unknown; billIds: string[]; evidence: { inquiryAttempts: number; entries: unknown[] }; debits: { state: string; channelTxnId: string | null }[] }[];
  nextCursor: string | null;
  debitsAvailable: boolean;
};

describe('console: intents needing a person', () => {
  it('shows the reconciliation queue with the reason and the evidence of orchestration and the bank adapter', async () => {
    // The adapter's debit for the intent (it succeeded at the channel after orchestration gave up asking).
    const debit = await h.adapter.requestDebit('bank-alpha');
    const succeeded = await h.adapter.result(debit, 'channel.debit-succeeded');
    const intentId = debit.payload.intentId;
    const at = new Date();
    const record = queuedIntent(intentId, at);
    const client = await db.pool.connect();
    try {
      await insertIntent(client, { ...record, status: 'processing', reconciliation: null, reconciliationSince: null }, { billIds: ['bil_console_1'], held: true });
      await saveIntent(client, record, at);
      await queueReconciliation(client, { intentId, channelId: 'bank-alpha', reason: 'status_inquiry_exhausted', detail: 'gave up after 8 inquiries', status: 'unknown', moneyMoved: 'unknown' });
      // A result for an intent orchestration does not have, queued by its results consumer (an older one).
      await queueReconciliation(client, {
        intentId: `${intentId}_stranger`,
        channelId: 'wallet-one',
        reason: 'contradictory_result',
        detail: 'channel.debit-succeeded for an intent we do not know',
        status: null,
        moneyMoved: 'yes',
        channelTxnId: 'W1-STRANGER',
        amount: syp(90_000),
      });
      await client.query(`UPDATE intent_reconciliation SET created_at = now() - interval '1 hour' WHERE intent_id = $1`, [`${intentId}_stranger`]);
    } finally {
      client.release();
    }

    const viewer = browser(app);
    await viewer.signIn(h.users.viewer);
    const res = await viewer.send<Page>('GET', '/api/intents?status=reconciliation');
    expect(res.status).toBe(200);
    expect(res.body.debitsAvailable).toBe(true);
    expect(res.body.intents.map((i) => i.intentId)).toEqual([intentId, `${intentId}_stranger`]);
    expect(res.body.intents[1]).toMatchObject({ known: false, status: null, amount: null, payer: null, channelId: 'wallet-one', debits: [] });
    expect(res.body.intents[0]).toMatchObject({
      intentId,
      reason: 'status_inquiry_exhausted',
      detail: 'gave up after 8 inquiries',
      amount: syp(150_000),
      channelId: 'bank-alpha',
      payer: { accountNo: '1234567890123' },
      billIds: ['bil_console_1'],
      evidence: { inquiryAttempts: 8, entries: [expect.objectContaining({ reason: 'status_inquiry_exhausted', moneyMoved: 'unknown' })] },
      debits: [{ state: 'succeeded', channelTxnId: succeeded.payload.channelTxnId }],
    });

    // The bank adapter away: the queue still shows, its debits marked missing.
    const other = browser(adapterDown);
    await other.signIn(h.users.viewer);
    const partial = await other.send<Page>('GET', '/api/intents');
    expect(partial.status).toBe(200);
    expect(partial.body).toMatchObject({ debitsAvailable: false, intents: [{ intentId, debits: [] }, { known: false }] });

    expect((await viewer.send('GET', '/api/intents?status=processing')).status).toBe(400);
    expect((await browser(app).send('GET', '/api/intents')).status).toBe(401);
  });

  it('shows each channel’s recent numbers, and a force-off in its history with the person', async () => {
    const operator = browser(app);
    await operator.signIn(h.users.operator);
    const list = await operator.send<{ channels: { channelId: string; state: string; stats: { windowMinutes: number; attempted: number; succeeded: number; successRate: number | null; p95LatencyMs: number | null; resolving: number } | null }[] }>('GET', '/api/channels');
    expect(list.status).toBe(200);
    const bank = list.body.channels.find((c) => c.channelId === 'bank-alpha')!;
    expect(bank.state).toBe('closed');
    expect(bank.stats).toMatchObject({ windowMinutes: 15, attempted: 1, succeeded: 1, successRate: 1, resolving: 0 });
    expect(bank.stats!.p95LatencyMs).toEqual(expect.any(Number));

    expect((await operator.send('POST', '/api/channels/wallet-two/force-off', { reason: 'planned maintenance' })).status).toBe(200);
    try {
      const details = await operator.send<{ transitions: { from: string; to: string; actor: string | null; reason: string | null }[] }>('GET', '/api/channels/wallet-two');
      expect(details.status).toBe(200);
      expect(details.body.transitions[0]).toMatchObject({ from: 'closed', to: 'forced_off', actor: `${h.consoleClientId}/${h.users.operator}` });
      expect(details.body.transitions[0]!.reason).toContain('planned maintenance');
    } finally {
      await operator.send('POST', '/api/channels/wallet-two/force-on', { reason: 'maintenance done' });
    }
    expect((await operator.send('GET', '/api/channels/no-such')).status).toBe(404);
  });
});
