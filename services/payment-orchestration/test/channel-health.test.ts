// A channel's "open" cannot stick (issue 10 item 6): orchestration keeps each channel's state from the
// bank adapter's channel.health-changed and channel.health-reported events (real consumer, real
// Kafka), and a state not reported again for CHANNEL_HEALTH_STALE_AFTER (three of the adapter's
// 30 s report periods) is unknown: intents for the channel are taken again and GET /v1/channels
// offers it, as after an adapter restarted with a breaker open that will never say "closed".
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createEvent } from '@gateway/contracts';
import type { AnyEvent, BillSnapshot, ChannelsResponse, ErrorBody, IntentResponse } from '@gateway/contracts';
import type { EventConsumer } from '@gateway/kit';
import { createTestKafka, testKafka, testLogger, uniqueName, waitFor } from '@gateway/testkit';
import type { TestKafka } from '@gateway/testkit';
import { createChannelHealthConsumer } from '../src/events/channel-health.consumer.ts';
import { startHarness } from './support/harness.ts';
import type { Harness } from './support/harness.ts';
import { startIntentHarness } from './support/intent-harness.ts';
import type { IntentHarness } from './support/intent-harness.ts';

let h: IntentHarness;
let api: Harness;
let tk: TestKafka;
let health: EventConsumer;

beforeAll(async () => {
  h = await startIntentHarness();
  api = await startHarness();
  tk = createTestKafka(testKafka());
  health = createChannelHealthConsumer({ pool: h.db.pool, kafka: testKafka(), logger: testLogger('channel-health'), topic: h.topics.results, groupId: uniqueName('payments.channel-health') });
  await health.start();
});
afterAll(async () => {
  await health?.stop();
  await tk?.close();
  await h?.close();
  await api?.close();
});

const staleAfterMs = () => h.config.CHANNEL_HEALTH_STALE_AFTER;

async function publish(event: AnyEvent): Promise<void> {
  await tk.produce(h.topics.results, [{ key: event.key, value: JSON.stringify(event) }]);
}

async function healthChanged(channelId: string, state: 'open' | 'closed', previousState: 'open' | 'closed', at: Date): Promise<void> {
  await publish(
    createEvent('channel.health-changed', {
      producer: 'bank-adapter',
      key: channelId,
      correlationId: uniqueName('health'),
      payload: { channelId, state, previousState, changedAt: at.toISOString(), reason: `circuit breaker ${state}` },
    }),
  );
}

async function healthReported(channelId: string, state: 'open' | 'closed', since: Date, at: Date): Promise<void> {
  await publish(
    createEvent('channel.health-reported', {
      producer: 'bank-adapter',
      key: channelId,
      correlationId: uniqueName('health'),
      payload: { channelId, state, since: since.toISOString(), reportedAt: at.toISOString() },
    }),
  );
}

const recorded = (channelId: string, state: string, reportedAt: Date) =>
  waitFor(
    async () => {
      const { rows } = await h.db.pool.query<{ state: string; reported_at: Date }>('SELECT state, reported_at FROM channel_health WHERE channel_id = $1', [channelId]);
      return rows[0]?.state === state && rows[0].reported_at.getTime() === reportedAt.getTime();
    },
    { message: `${channelId} ${state} reported at ${reportedAt.toISOString()}` },
  );

const createIntent = (bill: BillSnapshot) =>
  h.send<IntentResponse & ErrorBody>('POST', '/v1/payment-intents', {
    body: { billerId: bill.billerId, accountNo: bill.accountNo, billIds: [bill.billId], amount: bill.amountDue, channelId: 'wallet-one', payer: { msisdn: '+963944123456' } },
  });

describe('channel health in orchestration', () => {
  it('an "open" the adapter never repeats stops blocking intents after three report periods; a fresh report blocks again, a later "closed" frees it', async () => {
    const openedAt = h.clock();
    await healthChanged('wallet-one', 'open', 'closed', openedAt);
    await recorded('wallet-one', 'open', openedAt);
    const blocked = await createIntent(await h.issueBill());
    expect(blocked.status).toBe(503);
    expect(blocked.body.error.code).toBe('channel_unavailable');

    // The adapter restarted (or its events were lost): nobody says "open" any more.
    h.advance(staleAfterMs() + 1_000);
    const tried = await createIntent(await h.issueBill());
    expect(tried.status).toBe(201);
    expect(tried.body.channelId).toBe('wallet-one');

    // The adapter reports it open again, now: blocked again.
    const reportedAt = h.clock();
    await healthReported('wallet-one', 'open', openedAt, reportedAt);
    await recorded('wallet-one', 'open', reportedAt);
    expect((await createIntent(await h.issueBill())).status).toBe(503);

    // An older event arriving late changes nothing; a later report of "closed" frees the channel.
    await healthChanged('wallet-one', 'closed', 'open', new Date(reportedAt.getTime() - 5_000));
    const closedAt = new Date(reportedAt.getTime() + 1);
    await healthReported('wallet-one', 'closed', closedAt, closedAt);
    await recorded('wallet-one', 'closed', closedAt);
    expect((await createIntent(await h.issueBill())).status).toBe(201);
  });

  it('GET /v1/channels offers a channel whose "open" was last reported three periods ago', async () => {
    const now = new Date();
    api.setNow(now);
    await api.db.pool.query(`INSERT INTO channel_health (channel_id, state, changed_at, reported_at) VALUES ('wallet-two', 'open', $1, $1)`, [now]);
    const channel = async () => (await api.send<ChannelsResponse>('GET', '/v1/channels')).body.channels.find((c) => c.channelId === 'wallet-two');
    expect(await channel()).toMatchObject({ available: false, state: 'open' });
    api.setNow(new Date(now.getTime() + api.config.CHANNEL_HEALTH_STALE_AFTER + 1_000));
    expect(await channel()).toMatchObject({ available: true, state: 'closed' });
  });
});
