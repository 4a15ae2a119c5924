// The payment-intent tests' world: a fresh migrated database, the service's app (buildApp: the intent
// routes and the channels' POST /v1/payments among the rest) behind the real signature check, the real outbox relay publishing to Kafka
// topics of this test file, the real channel-results consumer reading a results topic this file
// publishes to (as the bank adapter would), the expiry sweeper on a movable clock, and bills fed to
// the read model through its own bill.* handler. Not a test file itself.
import { randomBytes, randomUUID } from 'node:crypto';
import type { BillSnapshot, ErrorBody, EventOf, IntentResponse } from '@gateway/contracts';
import { topics as catalogueTopics } from '@gateway/contracts';
import { createOutboxRelay, ensureTopics, OPERATOR_PERSON_HEADER, signRequest } from '@gateway/kit';
import type { ClientsFile, EventConsumer, HttpServer, OutboxRelay } from '@gateway/kit';
import { anEvent, createTestDatabase, createTestKafka, testInfra, testKafka, testLogger, uniqueName, waitFor, watchTopic } from '@gateway/testkit';
import type { TestDatabase, TestKafka, TopicWatcher } from '@gateway/testkit';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { buildApp } from '../../src/app.ts';
import { readConfig } from '../../src/config.ts';
import type { PaymentOrchestrationConfig } from '../../src/config.ts';
import { createChannelResultsConsumer } from '../../src/events/channel-results.consumer.ts';
import { createIntentExpirySweeper } from '../../src/jobs/intent-expiry.sweeper.ts';
import type { IntentExpirySweeper } from '../../src/jobs/intent-expiry.sweeper.ts';
import { createOtpForwarder } from '../../src/events/otp-forwarder.producer.ts';
import type { OtpForwarder } from '../../src/events/otp-forwarder.producer.ts';
import { aBillIssued, billFeeder, migrationsDir } from './harness.ts';

export { syp } from './harness.ts';

const HOST = '127.0.0.1:3002';
export const intentTtlMs = 15 * 60_000;
export const graceMs = 10 * 60_000;

export type Caller = 'portal' | 'other-portal' | 'wallet-one' | 'bank-alpha' | 'operator' | 'unsigned';
/** `person`: the operator the console signed in (x-operator-person, signed with the request). */
export type SendOptions = { as?: Caller; body?: unknown; idempotencyKey?: string | null; person?: string };
export type Reply<T> = { status: number; body: T; headers: Record<string, unknown>; payload: string };

type ResultType =
  | 'channel.otp-required'
  | 'channel.debit-succeeded'
  | 'channel.debit-failed'
  | 'channel.debit-unknown'
  | 'channel.refund-succeeded'
  | 'channel.refund-failed'
  | 'channel.refund-unknown';

export type OutboxEvent = { type: string; topic: string; key: string; payload: Record<string, unknown> };

export type IntentHarness = {
  db: TestDatabase;
  config: PaymentOrchestrationConfig;
  topics: { commands: string; intents: string; results: string };
  /** Every command the intents of this file sent, as the bank adapter would see them. */
  commands: TopicWatcher;
  intents: TopicWatcher;
  sweeper: IntentExpirySweeper;
  /** The outbox relay; a test stops it to keep a command in the outbox (unsent), and starts it again. */
  relay: OutboxRelay;
  /** The clock the routes, the consumer and the sweeper read. */
  clock: () => Date;
  /** Moves the clock of the routes, the consumer and the sweeper by `ms` from the real one. */
  advance(ms: number): void;
  send<T = ErrorBody>(method: 'GET' | 'POST', path: string, options?: SendOptions): Promise<Reply<T>>;
  issueBill(overrides?: Partial<BillSnapshot>): Promise<BillSnapshot>;
  /** Publishes a channel result for an intent on the results topic, as the bank adapter does. */
  publishResult<T extends ResultType>(type: T, intent: { intentId: string; channelId: string }, payload?: Partial<EventOf<T>['payload']>): Promise<EventOf<T>>;
  waitForStatus(intentId: string, status: IntentResponse['status'], timeoutMs?: number): Promise<IntentResponse>;
  outbox(intentId: string): Promise<OutboxEvent[]>;
  count(table: string, where?: string, params?: unknown[]): Promise<number>;
  close(): Promise<void>;
};


export async function startIntentHarness(): Promise<IntentHarness> {
  const db = await createTestDatabase({ migrationsDir });
  const infra = testInfra();
  const redis = new Redis(infra.redisUrl);
  const logger = testLogger('payment-intents');
  const kafka = testKafka();
  const tk: TestKafka = createTestKafka(kafka);
  // No rate limit to speak of: waitForStatus polls as fast as it likes.
  const config = readConfig({ DATABASE_URL: db.url, KAFKA_BROKERS: infra.kafkaBrokers.join(','), REDIS_URL: infra.redisUrl, RATE_LIMIT_PER_MINUTE: '1000000' });
  const topics = { commands: await tk.createTopic('commands'), intents: await tk.createTopic('intents'), results: await tk.createTopic('results') };
  // payment.completed goes to the catalogue's topic (recordPayment does not take another); make sure it exists.
  // A channel payment that cancels an intent announces it on the catalogue's intent topic (recordPayment's path).
  await ensureTopics(kafka, [
    { topic: 'payments.payments', numPartitions: catalogueTopics['payments.payments'].partitions },
    { topic: 'payments.intents', numPartitions: catalogueTopics['payments.intents'].partitions },
  ]);
  let offsetMs = 0;
  const clock = () => new Date(Date.now() + offsetMs);

  const run = randomUUID().slice(0, 8);
  const clients: ClientsFile = [
    { clientId: `portal-${run}`, kind: 'portal', keys: [{ keyId: `portal-${run}`, secret: randomBytes(32).toString('base64') }] },
    { clientId: `other-portal-${run}`, kind: 'portal', keys: [{ keyId: `other-portal-${run}`, secret: randomBytes(32).toString('base64') }] },
    { clientId: `wallet-one-${run}`, kind: 'channel', channelId: 'wallet-one', keys: [{ keyId: `wallet-one-${run}`, secret: randomBytes(32).toString('base64') }] },
    // A bank's own payment (POST /v1/payments), beside the portal's intents.
    { clientId: `bank-alpha-${run}`, kind: 'channel', channelId: 'bank-alpha', keys: [{ keyId: `bank-alpha-${run}`, secret: randomBytes(32).toString('base64') }] },
    { clientId: `operator-${run}`, kind: 'operator', keys: [{ keyId: `operator-${run}`, secret: randomBytes(32).toString('base64') }] },
  ];
  const otpForwarder: OtpForwarder = createOtpForwarder({ kafka, logger, topic: topics.commands });
  // The channels' own payments too: a wallet's payment must get through while an intent is open.
  const app: HttpServer = buildApp({
    pool: db.pool,
    redis,
    logger,
    config,
    now: clock,
    otpForwarder,
    intentTtlMs,
    topics,
    auth: { clients, redis, logger },
    readiness: [],
    registry: new Registry(),
  });
  await app.ready();

  const commands = await watchTopic(topics.commands);
  const intents = await watchTopic(topics.intents);
  const relay: OutboxRelay = createOutboxRelay({ pool: db.pool, kafka, logger, pollIntervalMs: 100 });
  relay.start();
  const consumer: EventConsumer = createChannelResultsConsumer({
    kafka,
    pool: db.pool,
    logger,
    catalogues: config.catalogues,
    clock,
    topics,
    topic: topics.results,
    groupId: uniqueName('payments.channel-results'),
    consumerOptions: { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 300 },
  });
  await consumer.start();
  await consumer.joined();
  const sweeper = createIntentExpirySweeper({ pool: db.pool, logger, graceMs, clock, topics });
  const feedBill = billFeeder(db.pool, logger);

  const h: IntentHarness = {
    db,
    config,
    topics,
    commands,
    intents,
    sweeper,
    relay,
    clock,
    advance(ms) {
      offsetMs += ms;
    },
    async send<T>(method: 'GET' | 'POST', path: string, options: SendOptions = {}) {
      const as = options.as ?? 'portal';
      const body = options.body === undefined ? undefined : JSON.stringify(options.body);
      const headers: Record<string, string> = { host: HOST };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const key = options.idempotencyKey === undefined ? (method === 'POST' ? `test-${randomUUID()}` : null) : options.idempotencyKey;
      if (key !== null) headers['idempotency-key'] = key;
      if (options.person !== undefined) headers[OPERATOR_PERSON_HEADER] = options.person;
      if (as !== 'unsigned') {
        const k = clients.find((c) => c.clientId === `${as}-${run}`)!.keys[0]!;
        Object.assign(headers, await signRequest({ method, url: `http://${HOST}${path}`, body, keyId: k.keyId, secret: k.secret, headers }));
      }
      const res = await app.inject({ method, url: path, headers, ...(body === undefined ? {} : { payload: body }) });
      return { status: res.statusCode, body: res.json<T>(), headers: res.headers, payload: res.payload };
    },
    async issueBill(overrides = {}) {
      const event = aBillIssued(overrides);
      await feedBill(event);
      const { lines: _lines, ...snapshot } = event.payload;
      return snapshot;
    },
    async publishResult(type, intent, payload = {}) {
      const event = anEvent(type, {
        producer: 'bank-adapter',
        payload: { ...({ intentId: intent.intentId, channelId: intent.channelId, reference: intent.intentId } as object), ...payload } as never,
      });
      await tk.produce(topics.results, [{ key: event.key, value: JSON.stringify(event) }]);
      return event;
    },
    async waitForStatus(intentId, status, timeoutMs = 15_000) {
      let last: IntentResponse | undefined;
      try {
        return await waitFor(
          async () => {
            last = (await h.send<IntentResponse>('GET', `/v1/payment-intents/${intentId}`)).body;
            return last.status === status ? last : undefined;
          },
          { timeoutMs, message: `intent ${intentId} to be ${status}` },
        );
      } catch (error) {
        // The message is made before the first poll; what the intent last was is known only now.
        throw new Error(`${(error as Error).message} (last seen ${JSON.stringify(last)})`);
      }
    },
    async outbox(intentId) {
      const { rows } = await db.pool.query<{ topic: string; payload: { type: string; key: string; payload: Record<string, unknown> } }>(
        `SELECT topic, payload FROM outbox WHERE payload->'payload'->>'intentId' = $1 ORDER BY id`,
        [intentId],
      );
      return rows.map((r) => ({ type: r.payload.type, topic: r.topic, key: r.payload.key, payload: r.payload.payload }));
    },
    async count(table, where = 'true', params = []) {
      const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params);
      return rows[0]!.n;
    },
    async close() {
      await consumer.stop();
      await relay.stop();
      await commands.stop();
      await intents.stop();
      await otpForwarder.stop();
      await app.close();
      await tk.close();
      await redis.quit();
      await db.drop();
    },
  };
  return h;
}
