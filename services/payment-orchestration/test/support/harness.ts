// Shared by payment-orchestration's tests: a fresh migrated database, the service's app (buildApp) behind
// the real signature check (real Redis for nonces and the rate limit), signed requests from two channel
// clients and the portal, a movable clock, and bills fed to the read model through the real bill.*
// handler (the events built by testkit's anEvent). Not a test file itself.
import { randomBytes, randomUUID } from 'node:crypto';
import type { BillSnapshot, ErrorBody, EventOf } from '@gateway/contracts';
import { handleOnce, OPERATOR_PERSON_HEADER, signRequest } from '@gateway/kit';
import type { ClientsFile, HttpServer, Logger } from '@gateway/kit';
import { anEvent, createTestDatabase, testInfra, testKafka, testLogger } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import type { Pool } from 'pg';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { v7 as uuidv7 } from 'uuid';
import { buildApp } from '../../src/app.ts';
import { readConfig } from '../../src/config.ts';
import type { PaymentOrchestrationConfig } from '../../src/config.ts';
import { billReadModelInbox, createBillReadModelBatchHandler } from '../../src/events/bill-read-model.consumer.ts';
import { createOtpForwarder } from '../../src/events/otp-forwarder.producer.ts';

export const migrationsDir = new URL('../../migrations', import.meta.url).pathname;
const HOST = '127.0.0.1:3002';

export type Caller = 'bank-alpha' | 'wallet-one' | 'citizen-portal' | 'operator-console' | 'unsigned';

export type SendOptions = {
  as?: Caller;
  body?: unknown;
  /** Sent as Idempotency-Key on a POST: a fresh key per request unless given; null sends none. */
  idempotencyKey?: string | null;
  /** The operator the console signed in (x-operator-person, signed with the request). */
  person?: string;
};

export type Reply<T> = { status: number; body: T; headers: Record<string, unknown>; payload: string };

export type Harness = {
  db: TestDatabase;
  app: HttpServer;
  redis: Redis;
  config: PaymentOrchestrationConfig;
  /** Moves the clock every route and store sees. */
  setNow(instant: Date | string): void;
  send<T = ErrorBody>(method: 'GET' | 'POST', path: string, options?: SendOptions): Promise<Reply<T>>;
  /** Applies a bill.* event to the read model through the consumer's own handler. */
  feed(event: BillEvent): Promise<void>;
  /** Issues a new bill (bill.issued) and returns its snapshot. */
  issueBill(overrides?: Partial<BillSnapshot>): Promise<BillSnapshot>;
  count(table: string, where?: string, params?: unknown[]): Promise<number>;
  close(): Promise<void>;
};

export type BillEvent = EventOf<'bill.issued' | 'bill.late-fee-applied' | 'bill.settled' | 'bill.reopened' | 'bill.overdue'>;

/** Applies one bill.* event as the bill read-model consumer does: its batch handler, with the event's inbox row, in one transaction. */
export function billFeeder(pool: Pool, logger: Logger): (event: BillEvent) => Promise<void> {
  const handleBatch = createBillReadModelBatchHandler({ logger });
  return async (event) => {
    const context = { topic: 'test', partition: 0, offset: '0', key: event.key, headers: {}, attempt: 1 };
    const handled = await handleOnce(pool, billReadModelInbox, event, (client) => handleBatch(client, [{ event, context }]));
    if (!handled.duplicate && typeof handled.result === 'function') handled.result();
  };
}

let sequence = 0;
const base = Math.floor(Math.random() * 5_000_000);

/** A Damascus landline no other bill of this test file uses. */
export function aLandline(): string {
  sequence += 1;
  return `011${String((base + sequence) % 10_000_000).padStart(7, '0')}`;
}

export function syp(amount: number) {
  return { amount, currency: 'SYP' } as BillSnapshot['amount'];
}

/** A `bill.issued` for a fresh account: a whole bill of 1,500.00 SYP, no fee, no partial payment. */
export function aBillIssued(overrides: Partial<BillSnapshot> = {}): EventOf<'bill.issued'> {
  const amount = overrides.amount ?? syp(150_000);
  return anEvent('bill.issued', {
    payload: {
      billId: `bil_${uuidv7()}`,
      externalBillId: `STE-${randomUUID()}`,
      billerId: 'telecom',
      accountNo: aLandline(),
      amount,
      lateFee: syp(0),
      paidAmount: syp(0),
      amountDue: amount,
      minAmount: amount,
      maxAmount: amount,
      allowPartial: false,
      ...overrides,
    },
  });
}

/**
 * `redisDb` gives the harness its own logical Redis database, for a test that flushes Redis: FLUSHALL on
 * the shared one would reset the nonces and rate counters of the suites running beside it.
 */
export async function startHarness(options: { env?: Record<string, string>; now?: Date | string; redisDb?: number } = {}): Promise<Harness> {
  const db = await createTestDatabase({ migrationsDir });
  const infra = testInfra();
  const redisUrl = options.redisDb === undefined ? infra.redisUrl : `${infra.redisUrl.replace(/\/\d*$/, '')}/${options.redisDb}`;
  const redis = new Redis(redisUrl);
  const logger = testLogger('payment-orchestration-http');
  const config = readConfig({
    DATABASE_URL: db.url,
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    REDIS_URL: redisUrl,
    ...options.env,
  });
  let now = new Date(options.now ?? Date.now());
  // Unique client ids and key ids per run, so nonces and rate-limit counters another run left in the
  // shared Redis never collide.
  const run = randomUUID().slice(0, 8);
  const clients: ClientsFile = [
    { clientId: `bank-alpha-${run}`, kind: 'channel', channelId: 'bank-alpha', keys: [{ keyId: `bank-alpha-${run}`, secret: randomBytes(32).toString('base64') }] },
    { clientId: `wallet-one-${run}`, kind: 'channel', channelId: 'wallet-one', keys: [{ keyId: `wallet-one-${run}`, secret: randomBytes(32).toString('base64') }] },
    { clientId: `citizen-portal-${run}`, kind: 'portal', keys: [{ keyId: `citizen-portal-${run}`, secret: randomBytes(32).toString('base64') }] },
    // The console's operator routes (payment search and timeline).
    { clientId: `operator-console-${run}`, kind: 'operator', keys: [{ keyId: `operator-console-${run}`, secret: randomBytes(32).toString('base64') }] },
  ];
  // The channel API's tests send no OTP; the forwarder connects to Kafka only when one is sent.
  const otpForwarder = createOtpForwarder({ kafka: testKafka(), logger });
  const app = buildApp({
    pool: db.pool,
    redis,
    logger,
    config,
    now: () => now,
    otpForwarder,
    auth: { clients, redis, logger },
    readiness: [],
    registry: new Registry(),
  });
  await app.ready();
  const feed = billFeeder(db.pool, logger);

  const h: Harness = {
    db,
    app,
    redis,
    config,
    setNow(instant) {
      now = new Date(instant);
    },
    async send<T>(method: 'GET' | 'POST', path: string, sendOptions: SendOptions = {}) {
      const as = sendOptions.as ?? 'bank-alpha';
      const body = sendOptions.body === undefined ? undefined : JSON.stringify(sendOptions.body);
      const headers: Record<string, string> = { host: HOST };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const key = sendOptions.idempotencyKey === undefined ? (method === 'POST' ? `test-${randomUUID()}` : null) : sendOptions.idempotencyKey;
      if (key !== null) headers['idempotency-key'] = key;
      if (sendOptions.person !== undefined) headers[OPERATOR_PERSON_HEADER] = sendOptions.person;
      if (as !== 'unsigned') {
        const client = clients.find((c) => c.clientId.startsWith(as))!;
        const k = client.keys[0]!;
        Object.assign(headers, await signRequest({ method, url: `http://${HOST}${path}`, body, keyId: k.keyId, secret: k.secret, headers }));
      }
      const res = await app.inject({ method, url: path, headers, ...(body === undefined ? {} : { payload: body }) });
      return { status: res.statusCode, body: res.json<T>(), headers: res.headers, payload: res.payload };
    },
    async feed(event) {
      await feed(event);
    },
    async issueBill(overrides = {}) {
      const event = aBillIssued(overrides);
      await h.feed(event);
      const { lines: _lines, ...snapshot } = event.payload;
      return snapshot;
    },
    async count(table, where = 'true', params = []) {
      const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params);
      return rows[0]!.n;
    },
    async close() {
      await app.close();
      await otpForwarder.stop();
      await redis.quit();
      await db.drop();
    },
  };
  return h;
}

/** A payment notification body for a bill, paying all of it unless told otherwise. */
export function aPayment(bill: Pick<BillSnapshot, 'billId' | 'billerId' | 'accountNo' | 'amountDue'>, overrides: Record<string, unknown> = {}) {
  return {
    channelTxnId: `txn-${randomUUID()}`,
    billerId: bill.billerId,
    accountNo: bill.accountNo,
    billIds: [bill.billId],
    amount: bill.amountDue,
    paidAt: '2026-05-10T08:00:00Z',
    ...overrides,
  };
}
