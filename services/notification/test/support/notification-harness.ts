// The notification pipeline in one process, over real parts: a Postgres database of its own, real
// Kafka topics of its own, the SMSC simulator listening on an ephemeral port (real SMPP over TCP),
// and the service's own consumer, SMPP client, dispatcher and inbound handler wired as main.ts wires
// them. Tests drive it with Kafka events and the simulator's HTTP control, and read the outcome from
// the simulator's store and the service's tables.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { EventConsumer } from '@gateway/kit';
import { createTestDatabase, createTestKafka, repoRoot, testKafka, testLogger, uniqueName, waitFor } from '@gateway/testkit';
import type { TestDatabase, TestKafka } from '@gateway/testkit';
import { Registry } from 'prom-client';
import { buildSmscApp } from '../../../../simulators/smsc-simulator/src/app.ts';
import { createSmscServer } from '../../../../simulators/smsc-simulator/src/smpp/smsc-server.ts';
import { createSmscState } from '../../../../simulators/smsc-simulator/src/store/smsc-state.ts';
import type { MessageView } from '../../../../simulators/smsc-simulator/src/store/smsc-state.ts';
import { defaultBillerNamesFile } from '../../src/config.ts';
import type { QuietHours } from '../../src/domain/quiet-hours.ts';
import { createNotificationConsumer } from '../../src/events/notification.consumer.ts';
import { createSmsDispatcher } from '../../src/jobs/sms-dispatch.runner.ts';
import type { SmsDispatcher } from '../../src/jobs/sms-dispatch.runner.ts';
import { createSmscInboundHandler } from '../../src/smpp/smsc-inbound.ts';
import { createSmscClient } from '../../src/smpp/smsc-client.ts';
import type { SmscClient } from '../../src/smpp/smsc-client.ts';

export const notificationMigrationsDir = path.join(repoRoot, 'services/notification/migrations');
const password = 'harness-secret';

export type HarnessOptions = {
  ratePerSecond?: number;
  window?: number;
  receiptDelayMs?: number;
  quietHours?: QuietHours | null;
  clock?: () => Date;
  /** Kafka topics and a consumer; off for tests that queue SMS directly. */
  kafka?: boolean;
};

export type Harness = {
  db: TestDatabase;
  registry: Registry;
  smsc: SmscClient;
  dispatcher: SmsDispatcher;
  /** Stops the dispatcher and SMPP client as a process exit would, and starts fresh ones (same database). */
  restartSending(): Promise<void>;
  topics: { bills: string; payments: string; intents: string; complaints: string };
  /** Produces each event `copies` times, in order, keyed as the producer would. */
  deliver(events: readonly { key: string; eventId: string }[], copies?: number): Promise<void>;
  /** What the simulator received for `to` (all when omitted). */
  received(to?: string): Promise<MessageView[]>;
  control(settings: Record<string, unknown>): Promise<Record<string, unknown>>;
  stats(): Promise<Record<string, number>>;
  mobileOriginated(from: string, text: string): Promise<void>;
  messageStates(where?: string, params?: unknown[]): Promise<Record<string, number>>;
  close(): Promise<void>;
};

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const logger = testLogger('notification');
  const registry = new Registry();
  const db = await createTestDatabase({ migrationsDir: notificationMigrationsDir });

  const state = createSmscState({ receiptDelayMs: options.receiptDelayMs ?? 100 });
  const server = createSmscServer(state, { systemId: 'harness-smsc', password, logger });
  const address = await server.listen('127.0.0.1', 0);
  const smscApp = buildSmscApp(state, server);

  // Late-bound: the inbound handler is built before the dispatcher it wakes.
  const late: { dispatcher?: SmsDispatcher } = {};
  const wake = () => late.dispatcher?.wake();
  const window = options.window ?? 10;

  function startSending(): { smsc: SmscClient; dispatcher: SmsDispatcher } {
    const smsc = createSmscClient({
      host: '127.0.0.1',
      port: address.port,
      systemId: 'notification',
      password,
      window,
      ratePerSecond: options.ratePerSecond ?? 0,
      enquireLinkMs: 5_000,
      responseTimeoutMs: 5_000,
      reconnect: { initialMs: 50, maxMs: 500 },
      logger,
      registry: new Registry(),
      onDeliverSm: createSmscInboundHandler({ pool: db.pool, logger, registry, ...(options.clock ? { clock: options.clock } : {}), onQueued: wake }),
    });
    smsc.start();
    const dispatcher = createSmsDispatcher({
      pool: db.pool,
      smsc,
      logger,
      registry,
      sender: 'SyTelecom',
      quietHours: options.quietHours ?? null,
      concurrency: window * 2,
      pollMs: 50,
      leaseMs: 30_000,
      maxAttempts: 5,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    late.dispatcher = dispatcher;
    dispatcher.start();
    return { smsc, dispatcher };
  }

  let sending = startSending();
  if (!(await sending.smsc.whenBound(10_000))) throw new Error('the SMPP client did not bind to the simulator');

  const tk: TestKafka = createTestKafka(testKafka());
  const topics = { bills: '', payments: '', intents: '', complaints: '' };
  let consumer: EventConsumer | undefined;
  if (options.kafka !== false) {
    topics.bills = await tk.createTopic('bills', 1);
    topics.payments = await tk.createTopic('payments', 1);
    topics.intents = await tk.createTopic('intents', 1);
    topics.complaints = await tk.createTopic('complaints', 1);
    consumer = createNotificationConsumer({
      kafka: testKafka(),
      pool: db.pool,
      logger,
      registry,
      channelNames: { 'bank-one': { ar: 'بنك واحد', en: 'Bank One' } },
      // The shipped catalogue of fee billers (BILLER_NAMES_FILE's default), as main.ts reads it.
      billerNames: JSON.parse(readFileSync(defaultBillerNamesFile, 'utf8')) as Record<string, { ar: string; en: string }>,
      maxEventAgeMs: 48 * 3_600_000,
      topics: [topics.bills, topics.payments, topics.intents, topics.complaints],
      groupId: uniqueName('notification'),
      onQueued: wake,
      consumerOptions: { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 300 },
    });
    await consumer.start();
    await consumer.joined();
  }

  function topicOf(type: string): string {
    if (type.startsWith('bill.')) return topics.bills;
    if (type.startsWith('payment.')) return topics.payments;
    if (type.startsWith('complaint.')) return topics.complaints;
    return topics.intents;
  }

  return {
    db,
    registry,
    get smsc() {
      return sending.smsc;
    },
    get dispatcher() {
      return sending.dispatcher;
    },
    topics,
    async restartSending() {
      await sending.dispatcher.stop();
      await sending.smsc.stop();
      sending = startSending();
      await sending.smsc.whenBound(10_000);
    },
    async deliver(events, copies = 1) {
      for (const event of events) {
        const type = (event as { type?: string }).type ?? '';
        const messages = Array.from({ length: copies }, () => ({ key: event.key, value: JSON.stringify(event) }));
        await tk.produce(topicOf(type), messages);
      }
    },
    async received(to) {
      const response = await smscApp.inject({ method: 'GET', url: to === undefined ? '/messages' : `/messages?to=${encodeURIComponent(to)}` });
      return response.json<{ messages: MessageView[] }>().messages;
    },
    async control(settings) {
      const response = await smscApp.inject({ method: 'POST', url: '/control', payload: settings });
      if (response.statusCode !== 200) throw new Error(`POST /control: ${response.statusCode} ${response.body}`);
      return response.json();
    },
    async stats() {
      const response = await smscApp.inject({ method: 'GET', url: '/stats' });
      return response.json();
    },
    async mobileOriginated(from, text) {
      await waitFor(() => sending.smsc.isBound(), { timeoutMs: 10_000, message: 'client bound' });
      const response = await smscApp.inject({ method: 'POST', url: '/mo', payload: { from, to: 'SyTelecom', text } });
      if (response.statusCode !== 202) throw new Error(`POST /mo: ${response.statusCode} ${response.body}`);
    },
    async messageStates(where = 'true', params = []) {
      const { rows } = await db.pool.query<{ state: string; n: number }>(`SELECT state, count(*)::int AS n FROM sms_messages WHERE ${where} GROUP BY state`, params);
      return Object.fromEntries(rows.map((r) => [r.state, r.n]));
    },
    async close() {
      await consumer?.stop();
      await sending.dispatcher.stop();
      await sending.smsc.stop();
      await tk.close();
      await smscApp.close();
      await server.close();
      await db.drop();
    },
  };
}
