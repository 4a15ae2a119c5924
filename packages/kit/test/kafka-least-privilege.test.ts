// The local Kafka (infra/local/kafka.sh) lets nobody in without a SCRAM login, and each service's
// principal write only the topics the contracts' catalogue gives it: a forged payment.completed or
// channel.debit-succeeded from anyone else is refused by the broker, not by the consumers.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { allTopicSpecs, topicNames, topics } from '@gateway/contracts';
import type { TopicName } from '@gateway/contracts';
import { testInfra, testKafka, testLogger, uniqueName } from '@gateway/testkit';
import type { Kafka, Producer } from 'kafkajs';
import { pino } from 'pino';
import { checkKafka, createConsumer, createKafka, createProducer, dlqTopicFor, ensureTopics } from '../src/kafka/index.ts';
import type { KafkaSasl } from '../src/kafka/index.ts';

const logger = testLogger('kafka-least-privilege');
const { kafkaBrokers } = testInfra();
const services = [...new Set(topicNames.map((name) => topics[name].owner))];

// The local password of a service's principal: local_service_password in infra/local/lib.sh.
function serviceSasl(service: string): KafkaSasl {
  return { mechanism: 'scram-sha-512', username: service, password: `${service}-local` };
}

function kafkaAs(sasl: KafkaSasl | undefined): Kafka {
  return createKafka({ brokers: kafkaBrokers, clientId: uniqueName('acl'), logger, sasl });
}

const producers: Producer[] = [];
async function producerAs(service: string): Promise<Producer> {
  // One retry (the least an idempotent producer accepts): a refusal surfaces at once, not after backoff.
  const producer = createProducer(kafkaAs(serviceSasl(service)), { retry: { retries: 1, initialRetryTime: 100 } });
  producers.push(producer);
  await producer.connect();
  return producer;
}

/** The broker's answer to one write by `producer`: 'written' never happens here (see below). */
async function writeOutcome(producer: Producer, topic: string, value: Buffer | string): Promise<string> {
  try {
    await producer.send({ topic, acks: -1, messages: [{ key: 'acl-test', value }] });
    return 'written';
  } catch (err) {
    const { type, message } = err as { type?: string; message?: string };
    if (type) return type;
    // A topic the principal may not even describe is refused in the metadata request, which kafkajs
    // rethrows as a non-retriable error carrying only the broker error's text.
    if (message?.includes('[Topic authorization failed]')) return 'TOPIC_AUTHORIZATION_FAILED';
    return String(err);
  }
}

// A write that passes authorisation and is then refused for its size: proof that the principal may
// write the topic without putting a record on a real topic (a forged event there is the attack).
const tooLarge = Buffer.alloc(1_200_000, 'x');

beforeAll(async () => {
  // The catalogue's topics exist on a broker where no service has started yet (a fresh CI run).
  await ensureTopics(testKafka(), allTopicSpecs().map((t) => ({ topic: t.name, numPartitions: t.partitions })), { withDlq: false });
});

afterAll(async () => {
  await Promise.all(producers.map((p) => p.disconnect().catch(() => undefined)));
});

describe('the local Kafka', () => {
  it('refuses a client that does not log in', async () => {
    // The broker closes the connection at the first request that is not part of a SASL login.
    await expect(checkKafka(kafkaAs(undefined), 5_000)).rejects.toMatchObject({ name: 'KafkaJSConnectionClosedError' });
  });

  it('refuses a wrong password', async () => {
    await expect(checkKafka(kafkaAs({ ...serviceSasl('billing'), password: 'not-the-password' }), 5_000)).rejects.toThrow(/SASL|authentication/i);
  });

  it('refuses every service a write to a topic it does not own (TopicAuthorizationFailed)', async () => {
    const refusals: Record<string, Record<string, string>> = {};
    const expected: Record<string, Record<string, string>> = {};
    for (const service of services) {
      const producer = await producerAs(service);
      for (const topic of topicNames.filter((name) => topics[name].owner !== service)) {
        (refusals[service] ??= {})[topic] = await writeOutcome(producer, topic, tooLarge);
        (expected[service] ??= {})[topic] = 'TOPIC_AUTHORIZATION_FAILED';
      }
    }
    // e.g. notification cannot write payments.payments, payment-orchestration cannot write channels.results.
    expect(refusals).toEqual(expected);
    expect(refusals['notification']?.['payments.payments']).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(refusals['payment-orchestration']?.['channels.results']).toBe('TOPIC_AUTHORIZATION_FAILED');
  });

  it('lets each owner write its topics (the write gets past authorisation)', async () => {
    const outcomes: Record<string, string> = {};
    for (const service of services) {
      const producer = await producerAs(service);
      for (const topic of topicNames.filter((name) => topics[name].owner === service)) outcomes[topic] = await writeOutcome(producer, topic, tooLarge);
    }
    expect(outcomes).toEqual(Object.fromEntries(topicNames.map((name) => [name, 'MESSAGE_TOO_LARGE'])));
  });

  it('lets a consumer write the dead letters of what it consumes, and no other dead-letter topic', async () => {
    const producer = await producerAs('billing');
    expect(await writeOutcome(producer, dlqTopicFor('payments.payments'), tooLarge)).toBe('MESSAGE_TOO_LARGE');
    expect(await writeOutcome(producer, dlqTopicFor('channels.results'), tooLarge)).toBe('TOPIC_AUTHORIZATION_FAILED');
  });

  it('lets an issuing authority of government fees (civil-registry) read billing.bills in a group of its prefix, and write nothing', async () => {
    // Its bill.settled (docs/api.md, Events): an outside consumer, with a principal of its own (infra/local/kafka-acls.ts).
    const kafka = kafkaAs(serviceSasl('civil-registry'));
    // A plain producer: an idempotent one is refused at its start already (no cluster permission at all).
    const producer = kafka.producer({ retry: { retries: 0 } });
    producers.push(producer);
    await producer.connect();
    expect(await writeOutcome(producer, 'billing.bills', tooLarge)).toBe('TOPIC_AUTHORIZATION_FAILED');
    const own = createConsumer({ kafka, groupId: uniqueName('civil-registry.acl-test'), topics: ['billing.bills'], handler: () => undefined, logger, fromBeginning: false });
    try {
      await own.start();
      await own.joined();
    } finally {
      await own.stop();
    }
  });

  it('lets a service read what it consumes in a group of its own prefix, and refuses another group', async () => {
    const kafka = kafkaAs(serviceSasl('billing'));
    const topic: TopicName = 'payments.payments';
    const own = createConsumer({ kafka, groupId: uniqueName('billing.acl-test'), topics: [topic], handler: () => undefined, logger, fromBeginning: false });
    try {
      await own.start();
      await own.joined();
    } finally {
      await own.stop();
    }
    // kafkajs reports the refused coordinator lookup only as "failed to find group coordinator" and
    // logs the broker's reason at debug: capture that log to see the reason.
    const lines: string[] = [];
    const capture = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
    const kafkaCapturing = createKafka({ brokers: kafkaBrokers, clientId: uniqueName('acl'), logger: capture, sasl: serviceSasl('billing') });
    const foreign = kafkaCapturing.consumer({ groupId: uniqueName('payments.acl-test'), retry: { retries: 0 } });
    try {
      await foreign.connect();
      await foreign.subscribe({ topics: [topic] });
      const crashed = new Promise<string>((resolve) => foreign.on(foreign.events.CRASH, (e) => resolve(String(e.payload.error))));
      await foreign.run({ eachMessage: () => Promise.resolve() });
      expect(await crashed).toMatch(/group coordinator/);
      expect(lines.join('\n')).toContain('GROUP_AUTHORIZATION_FAILED');
    } finally {
      await foreign.disconnect();
    }
  });
});
