import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import { anEvent, createTestKafka, testKafka, testLogger, uniqueName, waitFor, watchTopic } from '@gateway/testkit';
import type { SeenMessage } from '@gateway/testkit';
import { checkKafka, createConsumer, createKafka, dlqHeaders, ensureTopics } from '../src/kafka/index.ts';
import type { CreateConsumerOptions, EventConsumer } from '../src/kafka/index.ts';

const logger = testLogger();
const kafka = testKafka();
const tk = createTestKafka(kafka);
const running: EventConsumer[] = [];

// Small session and heartbeat: a fresh group joins in well under a second.
function consumer(options: Omit<CreateConsumerOptions, 'kafka' | 'logger' | 'groupId'> & { groupId?: string }): EventConsumer {
  const c = createConsumer({ kafka, logger, groupId: uniqueName('group'), sessionTimeoutMs: 6_000, heartbeatIntervalMs: 300, rebalanceTimeoutMs: 10_000, ...options });
  running.push(c);
  return c;
}

async function committedOffset(groupId: string, topic: string): Promise<string | undefined> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return entry?.partitions[0]?.offset;
  } finally {
    await admin.disconnect();
  }
}

afterAll(async () => {
  await Promise.all(running.map((c) => c.stop().catch(() => undefined)));
  await tk.close();
});

describe('topics and readiness', () => {
  it('creates topics with their partition counts and .dlq twins, and tolerates a concurrent creator', async () => {
    const topic = uniqueName('ensure');
    await Promise.all([ensureTopics(kafka, [{ topic, numPartitions: 3 }]), ensureTopics(kafka, [{ topic, numPartitions: 3 }])]);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic, `${topic}.dlq`] });
      expect(topics.map((t) => [t.name, t.partitions.length]).sort()).toEqual([
        [topic, 3],
        [`${topic}.dlq`, 3],
      ]);
    } finally {
      await admin.disconnect();
    }
    expect(await ensureTopics(kafka, [{ topic, numPartitions: 3 }])).toEqual([]);
  });

  it('checkKafka answers when the broker is up and fails fast when it is not', async () => {
    await expect(checkKafka(kafka)).resolves.toBeUndefined();
    const nowhere = createKafka({ brokers: ['127.0.0.1:1'], clientId: 'probe', logger, connectionTimeoutMs: 300 });
    const started = Date.now();
    await expect(checkKafka(nowhere, 1_000)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2_500);
  });
});

describe('createConsumer', () => {
  it('sends a message failing its schema straight to <topic>.dlq with the reason, and moves on', async () => {
    const topic = await tk.createTopic('schema');
    const dlq = await watchTopic(`${topic}.dlq`);
    const registry = new Registry();
    const handled: string[] = [];
    const groupId = uniqueName('group');
    const c = consumer({ groupId, topics: [topic], registry, maxAttempts: 3, backoff: { initialMs: 10 }, handler: (event) => void handled.push(event.eventId) });
    await c.start();

    const good = anEvent('payment.completed');
    const badPayload = JSON.stringify({ ...good, eventId: '0197a0b3-1f20-7a10-8b11-2c3d4e5f6a71', payload: { ...good.payload, amount: 'lots' } });
    await tk.produce(topic, [
      { key: 'acct-1', value: 'not json at all', headers: { origin: 'test' } },
      { key: 'acct-1', value: badPayload },
      { key: 'acct-1', value: JSON.stringify(good) },
    ]);

    await waitFor(() => handled.includes(good.eventId), { timeoutMs: 20_000, message: 'the good message to be handled' });
    const [notJson, badSchema] = await dlq.waitForCount(2);
    expect(handled).toEqual([good.eventId]);

    expect(notJson?.value).toBe('not json at all');
    expect(notJson?.key).toBe('acct-1');
    expect(notJson?.headers).toMatchObject({
      origin: 'test',
      [dlqHeaders.kind]: 'schema',
      [dlqHeaders.originalTopic]: topic,
      [dlqHeaders.originalPartition]: '0',
      [dlqHeaders.originalOffset]: '0',
      [dlqHeaders.attempts]: '0',
      [dlqHeaders.consumerGroup]: groupId,
    });
    expect(notJson?.headers[dlqHeaders.reason]).toMatch(/not valid JSON/);

    expect(badSchema?.value).toBe(badPayload);
    expect(badSchema?.headers[dlqHeaders.originalOffset]).toBe('1');
    expect(badSchema?.headers[dlqHeaders.reason]).toMatch(/payload\.amount/);

    await waitFor(async () => (await committedOffset(groupId, topic)) === '3', { message: 'offset 3 committed' });
    const metrics = await registry.getMetricsAsJSON();
    const value = (name: string) => metrics.find((m) => m.name === name)?.values.reduce((sum, v) => sum + v.value, 0);
    expect(value('kafka_consumer_messages_dead_lettered_total')).toBe(2);
    expect(value('kafka_consumer_messages_consumed_total')).toBe(1);
    await dlq.stop();
  });

  it('dead-letters a message whose handler fails maxAttempts times, with the error and attempt count, then handles the next', async () => {
    const topic = await tk.createTopic('handler');
    const dlq = await watchTopic(`${topic}.dlq`);
    const poison = anEvent('payment.completed');
    const next = anEvent('payment.completed');
    const attempts: number[] = [];
    const handled: string[] = [];
    const c = consumer({
      topics: [topic],
      maxAttempts: 4,
      backoff: { initialMs: 20, multiplier: 2 },
      handler: (event, context) => {
        if (event.eventId === poison.eventId) {
          attempts.push(context.attempt);
          throw new Error(`billing rejected ${event.eventId}`);
        }
        handled.push(event.eventId);
      },
    });
    await c.start();
    await tk.produce(topic, [
      { key: poison.key, value: JSON.stringify(poison) },
      { key: next.key, value: JSON.stringify(next) },
    ]);
    const dead = await dlq.expectMessage((m: SeenMessage) => m.event?.eventId === poison.eventId, 20_000);
    await waitFor(() => handled.includes(next.eventId), { message: 'the next message to be handled' });
    expect(attempts).toEqual([1, 2, 3, 4]);
    expect(dead.headers).toMatchObject({ [dlqHeaders.kind]: 'handler', [dlqHeaders.attempts]: '4', [dlqHeaders.originalTopic]: topic });
    expect(dead.headers[dlqHeaders.reason]).toContain(`billing rejected ${poison.eventId}`);
    // The DLQ copy is the original message, replayable as is.
    expect(dead.event).toEqual(JSON.parse(JSON.stringify(poison)));
    await dlq.stop();
  });

  it('retries a handler that fails transiently and does not dead-letter it', async () => {
    const topic = await tk.createTopic('transient');
    const dlq = await watchTopic(`${topic}.dlq`);
    const event = anEvent('bill.settled');
    let calls = 0;
    const c = consumer({
      topics: [topic],
      maxAttempts: 5,
      backoff: { initialMs: 10 },
      handler: () => {
        calls++;
        if (calls < 3) throw new Error('database busy');
      },
    });
    await c.start();
    await tk.produce(topic, [{ key: event.key, value: JSON.stringify(event) }]);
    await waitFor(() => calls === 3, { timeoutMs: 20_000, message: 'third attempt' });
    await new Promise((r) => setTimeout(r, 500));
    expect(calls).toBe(3);
    expect(dlq.messages).toHaveLength(0);
    await dlq.stop();
  });

  it('heartbeats through a backoff longer than its session timeout: no rebalance, and the retry is attempt 2', async () => {
    const topic = await tk.createTopic('long-backoff');
    const event = anEvent('bill.settled');
    const attempts: number[] = [];
    // A 2 s session and a 5 s backoff: a member that slept through its backoff without heartbeats would
    // be evicted, rejoin, and get the message again as attempt 1.
    const c = consumer({
      topics: [topic],
      sessionTimeoutMs: 2_000,
      heartbeatIntervalMs: 400,
      maxAttempts: 2,
      backoff: { initialMs: 5_000 },
      handler: (_event, context) => {
        attempts.push(context.attempt);
        if (context.attempt === 1) throw new Error('database busy');
      },
    });
    let joins = 0;
    c.consumer.on(c.consumer.events.GROUP_JOIN, () => joins++);
    await c.start();
    await c.joined();
    await tk.produce(topic, [{ key: event.key, value: JSON.stringify(event) }]);
    await waitFor(() => attempts.length >= 2, { timeoutMs: 30_000, message: 'a second delivery' });
    expect(attempts.slice(0, 2)).toEqual([1, 2]);
    expect(joins).toBe(1);
  });

  it('never commits a message whose handling was abandoned by stop(): another member gets it', async () => {
    const topic = await tk.createTopic('handover');
    const groupId = uniqueName('group');
    const event = anEvent('payment.completed');
    let firstCalls = 0;
    const first = consumer({
      groupId,
      topics: [topic],
      maxAttempts: 5,
      backoff: { initialMs: 60_000 },
      handler: () => {
        firstCalls++;
        throw new Error('down');
      },
    });
    await first.start();
    await tk.produce(topic, [{ key: event.key, value: JSON.stringify(event) }]);
    await waitFor(() => firstCalls === 1, { timeoutMs: 20_000, message: 'first attempt' });
    // Stopping mid-backoff must not count as handled nor as dead-lettered.
    await first.stop();
    expect(await committedOffset(groupId, topic)).toBe('-1');

    const seen: string[] = [];
    const second = consumer({ groupId, topics: [topic], handler: (e) => void seen.push(e.eventId) });
    await second.start();
    await waitFor(() => seen.includes(event.eventId), { timeoutMs: 20_000, message: 'redelivery to the next member' });
    await waitFor(async () => (await committedOffset(groupId, topic)) === '1', { message: 'offset committed after success' });
  });

  it('handles the messages of one partition in order', async () => {
    const topic = await tk.createTopic('order', 3);
    const events = Array.from({ length: 30 }, (_, i) => anEvent('bill.issued', { key: `acct-${i % 3}`, correlationId: String(i) }));
    const seen = new Map<string, number[]>();
    const c = consumer({
      topics: [topic],
      partitionsConsumedConcurrently: 3,
      handler: async (event) => {
        await new Promise((r) => setTimeout(r, Math.random() * 10));
        seen.set(event.key, [...(seen.get(event.key) ?? []), Number(event.correlationId)]);
      },
    });
    await c.start();
    await tk.produce(
      topic,
      events.map((e) => ({ key: e.key, value: JSON.stringify(e) })),
    );
    await waitFor(() => [...seen.values()].reduce((n, list) => n + list.length, 0) === 30, { timeoutMs: 20_000, message: '30 events' });
    for (const [key, order] of seen) {
      expect({ key, order }).toEqual({ key, order: [...order].sort((a, b) => a - b) });
    }
  });

  it('ignores nothing silently: an unknown event type is dead-lettered, not dropped', async () => {
    const topic = await tk.createTopic('unknown');
    const dlq = await watchTopic(`${topic}.dlq`);
    const c = consumer({ topics: [topic], handler: () => undefined });
    await c.start();
    const future = { ...anEvent('payment.completed'), type: 'payment.teleported', eventId: '0197a0b3-1f20-7a10-8b11-' + randomUUID().slice(-12) };
    await tk.produce(topic, [{ key: 'k', value: JSON.stringify(future) }]);
    const dead = await dlq.expectMessage(() => true, 20_000);
    expect(dead.headers[dlqHeaders.reason]).toMatch(/unknown event payment\.teleported/);
    await dlq.stop();
  });
});
