// For the tests that run services as processes from their own main.ts: calls signed as the demo
// clients of infra/local/clients.json (the keys `npm start` serves), fresh consumer groups placed at
// the shared topics' current end, and billing with payment orchestration started that way.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { topics } from '@gateway/contracts';
import { ensureTopics, signRequest } from '@gateway/kit';
import { createTestDatabase, serviceEnv, startServiceProcess, testKafka, uniqueName, waitFor, watchTopic } from '@gateway/testkit';
import type { ServiceProcess, TestDatabase, TopicWatcher } from '@gateway/testkit';

type Key = { keyId: string; secret: string };
const demoClients = JSON.parse(readFileSync(new URL('../../../../infra/local/clients.json', import.meta.url), 'utf8')) as { clientId: string; keys: Key[] }[];
const keyOf = (clientId: string): Key => demoClients.find((c) => c.clientId === clientId)!.keys[0]!;

export type Called<T> = { status: number; json: T; replayed: string | null; text: string };

/** A signed call as demo client `clientId`; a body goes with a fresh Idempotency-Key unless one is given. */
export async function callAs<T>(method: 'GET' | 'POST', url: string, clientId: string, body?: unknown, idempotencyKey: string = randomUUID()): Promise<Called<T>> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = text === undefined ? {} : { 'content-type': 'application/json', 'idempotency-key': idempotencyKey };
  const key = keyOf(clientId);
  Object.assign(headers, await signRequest({ method, url, body: text, keyId: key.keyId, secret: key.secret, headers }));
  const response = await fetch(url, { method, headers, body: text });
  const answer = await response.text();
  return { status: response.status, json: JSON.parse(answer) as T, replayed: response.headers.get('idempotent-replayed'), text: answer };
}

/**
 * Starts each (new) group at its topic's current end: on a long-lived local Kafka the shared topics hold
 * every earlier run's events, and replaying them all would only slow a test down. kafkajs' resetOffsets
 * commits -1 ("latest"), which a group without offsets reads as "none" and starts from its
 * fromBeginning setting; explicit end offsets are what a fresh group honours.
 */
export async function groupsAtTopicEnds(pairs: readonly (readonly [groupId: string, topic: string])[]): Promise<void> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    for (const [groupId, topic] of pairs) {
      const ends = await waitFor(() => admin.fetchTopicOffsets(topic), { timeoutMs: 15_000, intervalMs: 250, message: `the end offsets of ${topic}` });
      await admin.setOffsets({ groupId, topic, partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) });
    }
  } finally {
    await admin.disconnect();
  }
}

export type BillingAndOrchestration = { billing: ServiceProcess; orchestration: ServiceProcess; bills: TopicWatcher; stop(): Promise<void> };

/**
 * Billing and payment orchestration as processes, each on a fresh database, joined by the shared topics
 * (`billing.bills` to orchestration's read model, `payments.payments` to billing's settlement) through
 * groups of this run started at the topics' end, with a watcher on `billing.bills` from now on.
 */
export async function startBillingAndOrchestration(prefix: string): Promise<BillingAndOrchestration> {
  const [billingDb, paymentsDb]: TestDatabase[] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  // On a fresh broker (CI) no service has created the shared topics yet; watching needs them now.
  await ensureTopics(
    testKafka(),
    (['billing.bills', 'payments.payments'] as const).map((name) => ({ topic: name, numPartitions: topics[name].partitions })),
  );
  const bills = await watchTopic('billing.bills');
  const settlementGroup = uniqueName(`${prefix}-settlement`);
  const readModelGroup = uniqueName(`${prefix}-read-model`);
  await groupsAtTopicEnds([[settlementGroup, 'payments.payments'], [readModelGroup, 'billing.bills']]);
  const [billing, orchestration] = await Promise.all([
    startServiceProcess(
      new URL('../../../billing/src/main.ts', import.meta.url),
      serviceEnv({ DATABASE_URL: billingDb!.url, SETTLEMENT_GROUP_ID: settlementGroup, LATE_FEE_RUN_ENABLED: 'false' }),
    ),
    startServiceProcess(
      new URL('../../src/main.ts', import.meta.url),
      serviceEnv({
        DATABASE_URL: paymentsDb!.url,
        BILL_READ_MODEL_GROUP_ID: readModelGroup,
        CHANNEL_HEALTH_GROUP_ID: uniqueName(`${prefix}-health`),
        CHANNEL_RESULTS_GROUP_ID: uniqueName(`${prefix}-results`),
      }),
    ),
  ]);
  return {
    billing,
    orchestration,
    bills,
    async stop() {
      await Promise.all([billing.stop(), orchestration.stop(), bills.stop()]);
      await Promise.all([billingDb!.drop(), paymentsDb!.drop()]);
    },
  };
}
