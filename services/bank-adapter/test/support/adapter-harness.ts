// The adapter tests' world: the three channel simulators (bank-alpha, wallet-one, wallet-two)
// serving real HTTP on free ports in this process, a fresh migrated database, Kafka topics of this
// test file for commands and results, and the adapter itself (gateway, command consumer, status
// inquiry poller, health publisher, the real outbox relay) with small timeouts and backoffs. The
// adapter can be "restarted": its consumer and poller stopped and new ones started on the same
// database, as after a crash. Not a test file itself.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createEvent } from '@gateway/contracts';
import type { AnyEvent, EventOf, EventType, Money } from '@gateway/contracts';
import { createOutboxRelay } from '@gateway/kit';
import type { EventConsumer, HttpServer, OutboxRelay } from '@gateway/kit';
import { createTestDatabase, createTestKafka, repoRoot, testKafka, testLogger, uniqueName, watchTopic } from '@gateway/testkit';
import type { TestDatabase, TestKafka, TopicWatcher } from '@gateway/testkit';
import { buildSimulatorApp } from '../../../../simulators/channel-simulator/src/app.ts';
import { readChannelsFile } from '../../../../simulators/channel-simulator/src/config.ts';
import { createChannelState } from '../../../../simulators/channel-simulator/src/store/channel-state.ts';
import type { ChannelState } from '../../../../simulators/channel-simulator/src/store/channel-state.ts';
import { createChannelGateway } from '../../src/channels/channel-gateway.ts';
import type { ChannelGateway } from '../../src/channels/channel-gateway.ts';
import { readChannelRegistry } from '../../src/config.ts';
import type { ChannelDefinition, ChannelRegistry } from '../../src/domain/channel-registry.ts';
import { createChannelCommandsConsumer } from '../../src/events/channel-commands.consumer.ts';
import { createDebitFlows } from '../../src/flows/debit-flows.ts';
import type { DebitFlows } from '../../src/flows/debit-flows.ts';
import { createRefundFlows } from '../../src/flows/refund-flows.ts';
import { startChannelHealthPublisher } from '../../src/jobs/channel-health.publisher.ts';
import type { ChannelHealthPublisher } from '../../src/jobs/channel-health.publisher.ts';
import { createRefundInquiryPoller } from '../../src/jobs/refund-inquiry.poller.ts';
import type { RefundInquiryPoller } from '../../src/jobs/refund-inquiry.poller.ts';
import { createStatusInquiryPoller } from '../../src/jobs/status-inquiry.poller.ts';
import type { StatusInquiryPoller } from '../../src/jobs/status-inquiry.poller.ts';

export const migrationsDir = new URL('../../migrations', import.meta.url).pathname;

export type ChannelId = 'bank-alpha' | 'wallet-one' | 'wallet-two';

export const syp = (amount: number) => ({ amount, currency: 'SYP' }) as Money;

/** Small numbers, so breakers open, half-open and inquiries run out within a test's seconds. */
export const testTimings = {
  breaker: { timeoutMs: 400, errorThresholdPercentage: 50, volumeThreshold: 4, resetTimeoutMs: 1_000, rollingCountTimeoutMs: 10_000 },
  // A window of minutes: no test waits it out (one moves a debit's sent_at back instead).
  statusInquiry: { backoffMs: [200, 300, 400, 600, 800, 1_000], finalityWindowMs: 10 * 60_000 },
};

export type Simulator = {
  channelId: ChannelId;
  url: string;
  state: ChannelState;
  control(settings: Record<string, unknown>): Promise<void>;
  /** What the channel really debited (GET /transactions), optionally for one reference. */
  transactions(reference?: string): Promise<{ reference: string; txnId: string; amount: Money; status: string }[]>;
};

export type AdapterInstance = {
  gateway: ChannelGateway;
  debits: DebitFlows;
  consumer: EventConsumer;
  poller: StatusInquiryPoller;
  refundPoller: RefundInquiryPoller;
  health: ChannelHealthPublisher;
  stop(): Promise<void>;
};

export type AdapterHarness = {
  db: TestDatabase;
  registry: ChannelRegistry;
  simulators: Record<ChannelId, Simulator>;
  topics: { commands: string; results: string };
  results: TopicWatcher;
  adapter: AdapterInstance;
  /** Stops the running adapter (consumer, poller) and starts a fresh one on the same database and topics. */
  restart(options?: { startPoller?: boolean }): Promise<AdapterInstance>;
  requestDebit(channelId: ChannelId, overrides?: Partial<EventOf<'channel.debit-requested'>['payload']>): Promise<EventOf<'channel.debit-requested'>>;
  submitOtp(debit: EventOf<'channel.debit-requested'>, otp: string, channelRef: string | null): Promise<EventOf<'channel.otp-submitted'>>;
  /**
   * A wallet-two debit whose confirm reply is lost, once it is channel.debit-unknown. wallet-two then
   * drops every reply (dropReplyRate 1) until the caller sets it back, in a finally; if this fails, it
   * has set it back itself.
   */
  debitWithLostConfirmReply(): Promise<{ debit: EventOf<'channel.debit-requested'>; otp: EventOf<'channel.otp-required'> }>;
  requestStatus(debit: EventOf<'channel.debit-requested'>): Promise<EventOf<'channel.status-requested'>>;
  /** Asks for the debit to be given back, as orchestration does when its payment was refused. */
  requestRefund(debit: EventOf<'channel.debit-requested'>, channelTxnId: string): Promise<EventOf<'channel.refund-requested'>>;
  refundRow(reference: string): Promise<Record<string, unknown> | undefined>;
  /** The first result of `type` for the debit's intent (already seen or still to come). */
  result<T extends EventType>(debit: { payload: { intentId: string } }, type: T, timeoutMs?: number): Promise<EventOf<T>>;
  resultsFor(intentId: string): AnyEvent[];
  debitRow(reference: string): Promise<Record<string, unknown> | undefined>;
  close(): Promise<void>;
};

export const payers: Record<ChannelId, { msisdn: string | null; accountNo: string | null }> = {
  'bank-alpha': { msisdn: null, accountNo: '1234567890123' },
  'wallet-one': { msisdn: '+963944123456', accountNo: null },
  'wallet-two': { msisdn: '+963955123456', accountNo: null },
};

async function startSimulators(): Promise<{ simulators: Record<ChannelId, Simulator>; apps: HttpServer[] }> {
  const channels = readChannelsFile(path.join(repoRoot, 'simulators/channel-simulator/config/channels.json'));
  const apps: HttpServer[] = [];
  const simulators = {} as Record<ChannelId, Simulator>;
  for (const channel of channels) {
    const state = createChannelState(channel);
    const app = buildSimulatorApp(channel, state);
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    apps.push(app);
    simulators[channel.channelId as ChannelId] = {
      channelId: channel.channelId as ChannelId,
      url,
      state,
      async control(settings) {
        const res = await fetch(`${url}/control`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(settings) });
        if (res.status !== 200) throw new Error(`control ${channel.channelId}: ${res.status} ${await res.text()}`);
      },
      async transactions(reference) {
        const res = await fetch(`${url}/transactions${reference === undefined ? '' : `?reference=${encodeURIComponent(reference)}`}`);
        const body = (await res.json()) as { transactions: { reference: string; txnId: string; amount: Money; status: string }[] };
        return body.transactions;
      },
    };
  }
  return { simulators, apps };
}

/** The repository's channel registry, pointed at the simulators on their test ports, with test timings. */
function testRegistry(simulators: Record<ChannelId, Simulator>): ChannelRegistry {
  const base = readChannelRegistry(path.join(repoRoot, 'services/bank-adapter/config/channels.json'));
  return {
    channels: base.channels.map(
      (c): ChannelDefinition => ({ ...c, baseUrl: simulators[c.channelId as ChannelId].url, breaker: { ...testTimings.breaker }, statusInquiry: { ...testTimings.statusInquiry } }),
    ),
  };
}

export async function startAdapterHarness(
  options: {
    registry?: (r: ChannelRegistry) => ChannelRegistry;
    healthIntervalMs?: number;
    /** Another harness's command and result topics (orchestration's), for a test across both services. */
    topics?: { commands: string; results: string };
  } = {},
): Promise<AdapterHarness> {
  const db = await createTestDatabase({ migrationsDir });
  const logger = testLogger('bank-adapter');
  const kafka = testKafka();
  const tk: TestKafka = createTestKafka(kafka);
  const topics = options.topics ?? { commands: await tk.createTopic('commands', 3), results: await tk.createTopic('results', 3) };
  const { simulators, apps } = await startSimulators();
  const registry = (options.registry ?? ((r) => r))(testRegistry(simulators));
  const results = await watchTopic(topics.results);
  const relay: OutboxRelay = createOutboxRelay({ pool: db.pool, kafka, logger, pollIntervalMs: 50 });
  relay.start();

  async function startAdapter(startPoller = true): Promise<AdapterInstance> {
    const gateway = createChannelGateway({ registry, logger });
    const health = startChannelHealthPublisher({ pool: db.pool, gateway, logger, topic: topics.results, intervalMs: options.healthIntervalMs ?? 30_000 });
    const debits = createDebitFlows({ pool: db.pool, gateway, logger, resultsTopic: topics.results });
    const poller = createStatusInquiryPoller({ pool: db.pool, debits, gateway, logger, intervalMs: 50 });
    const refunds = createRefundFlows({ pool: db.pool, gateway, logger, resultsTopic: topics.results });
    const refundPoller = createRefundInquiryPoller({ pool: db.pool, refunds, gateway, logger, intervalMs: 50 });
    const consumer = createChannelCommandsConsumer({
      kafka,
      debits,
      refunds,
      logger,
      topic: topics.commands,
      groupId: uniqueName('bank-adapter.commands'),
      partitionsConsumedConcurrently: 3,
      consumerOptions: { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 300 },
    });
    await consumer.start();
    await consumer.joined();
    if (startPoller) {
      poller.start();
      refundPoller.start();
    }
    return {
      gateway,
      debits,
      consumer,
      poller,
      refundPoller,
      health,
      async stop() {
        // The poller first: a stopped adapter must not go on working the schedule while its consumer leaves the group.
        await poller.stop();
        await refundPoller.stop();
        await consumer.stop();
        await health.stop();
        gateway.shutdown();
      },
    };
  }

  let sequence = 0;
  const run = randomUUID().slice(0, 8);

  function envelope(intentId: string) {
    return { producer: 'payment-orchestration', key: intentId, correlationId: `corr-${intentId}` };
  }

  async function publish(event: AnyEvent): Promise<void> {
    await tk.produce(topics.commands, [{ key: event.key, value: JSON.stringify(event) }]);
  }

  const h: AdapterHarness = {
    db,
    registry,
    simulators,
    topics,
    results,
    adapter: await startAdapter(),
    async restart(restartOptions = {}) {
      await h.adapter.stop();
      h.adapter = await startAdapter(restartOptions.startPoller ?? true);
      return h.adapter;
    },
    async requestDebit(channelId, overrides = {}) {
      sequence += 1;
      const intentId = `pi_${run}_${sequence}`;
      const now = new Date();
      const event = createEvent('channel.debit-requested', {
        ...envelope(intentId),
        payload: {
          intentId,
          channelId,
          reference: intentId,
          amount: syp(150_000),
          payer: payers[channelId],
          billerId: 'telecom',
          accountNo: '0211234567',
          description: 'Telecom bill 0211234567',
          requestedAt: now.toISOString(),
          expiresAt: new Date(now.getTime() + 15 * 60_000).toISOString(),
          ...overrides,
        },
      });
      await publish(event);
      return event;
    },
    async submitOtp(debit, otp, channelRef) {
      const p = debit.payload;
      const event = createEvent('channel.otp-submitted', {
        ...envelope(p.intentId),
        payload: { intentId: p.intentId, channelId: p.channelId, reference: p.reference, otp, channelRef, submittedAt: new Date().toISOString() },
      });
      await publish(event);
      return event;
    },
    async debitWithLostConfirmReply() {
      const wallet = h.simulators['wallet-two'];
      const debit = await h.requestDebit('wallet-two');
      const otp = await h.result(debit, 'channel.otp-required');
      await wallet.control({ dropReplyRate: 1 });
      try {
        await h.submitOtp(debit, '123456', otp.payload.channelRef);
        await h.result(debit, 'channel.debit-unknown');
      } catch (error) {
        await wallet.control({ dropReplyRate: 0 });
        throw error;
      }
      return { debit, otp };
    },
    async requestStatus(debit) {
      const p = debit.payload;
      const event = createEvent('channel.status-requested', {
        ...envelope(p.intentId),
        payload: { intentId: p.intentId, channelId: p.channelId, reference: p.reference, channelRef: null, reason: 'reconciliation', requestedAt: new Date().toISOString() },
      });
      await publish(event);
      return event;
    },
    async requestRefund(debit, channelTxnId) {
      const p = debit.payload;
      const event = createEvent('channel.refund-requested', {
        ...envelope(p.intentId),
        payload: { intentId: p.intentId, channelId: p.channelId, reference: p.reference, channelTxnId, amount: p.amount, reason: 'The bill was paid by another channel meanwhile', requestedAt: new Date().toISOString() },
      });
      await publish(event);
      return event;
    },
    async refundRow(reference) {
      const { rows } = await db.pool.query<Record<string, unknown>>('SELECT * FROM channel_refunds WHERE reference = $1', [reference]);
      return rows[0];
    },
    async result(debit, type, timeoutMs = 10_000) {
      const found = await results.expectEvent((e) => e.type === type && e.key === debit.payload.intentId, timeoutMs);
      return found as never;
    },
    resultsFor(intentId) {
      return results.messages.flatMap((m) => (m.event !== undefined && m.event.key === intentId ? [m.event] : []));
    },
    async debitRow(reference) {
      const { rows } = await db.pool.query<Record<string, unknown>>('SELECT * FROM channel_debits WHERE reference = $1', [reference]);
      return rows[0];
    },
    async close() {
      await h.adapter.stop();
      await results.stop();
      await relay.stop();
      await tk.close();
      for (const app of apps) await app.close();
      await db.drop();
    },
  };
  return h;
}
