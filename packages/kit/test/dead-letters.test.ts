import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { anEvent, createTestDatabase, createTestKafka, testInfra, testKafka, testLogger, uniqueName, waitFor } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import { OPERATOR_PERSON_HEADER } from '../src/auth/index.ts';
import { createDeadLetterLedger, deadLetterRoutes } from '../src/dead-letters/index.ts';
import type { DeadLetterLedger, DeadLetterView } from '../src/dead-letters/index.ts';
import { createHttpServer } from '../src/http/index.ts';
import type { HttpServer } from '../src/http/index.ts';
import { createBatchConsumer, createConsumer } from '../src/kafka/index.ts';
import type { EventConsumer } from '../src/kafka/index.ts';
import { operatorAndChannelClients, signedInject } from './support/signed-operator-app.ts';

// The dead-letter ledger and its operator routes over real Kafka and Postgres: a consumer dead-letters
// a message, the ledger stores it, and a replay runs it through the same group's own path, once.
const { clients, operatorKey, channelKey } = operatorAndChannelClients('operator-console');
const logger = testLogger();
const kafka = testKafka();
const tk = createTestKafka(kafka);
const fast = { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 300, rebalanceTimeoutMs: 10_000, maxAttempts: 2, backoff: { initialMs: 10 } };
let db: TestDatabase;
let redis: Redis;
const stoppers: (() => Promise<void>)[] = [];
const apps: HttpServer[] = [];

async function appOver(ledger: DeadLetterLedger): Promise<HttpServer> {
  const app = createHttpServer({ service: 'kit-dead-letters-test', version: '0', logger, auth: { clients, redis, logger }, routes: [deadLetterRoutes({ pool: db.pool, ledger })] });
  await app.ready();
  apps.push(app);
  return app;
}

async function send(app: HttpServer, method: 'GET' | 'POST', path: string, as = operatorKey) {
  const res = await signedInject(app, method, path, as, { [OPERATOR_PERSON_HEADER]: 'alice' });
  return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
}

async function ledgerOf(consumers: EventConsumer[]): Promise<DeadLetterLedger & { groupId: string }> {
  const groupId = uniqueName('ledger');
  const ledger = createDeadLetterLedger({ kafka, pool: db.pool, logger, groupId, consumers, sessionTimeoutMs: 6_000, heartbeatIntervalMs: 300 });
  stoppers.push(() => ledger.stop());
  await ledger.start();
  await ledger.joined();
  return { ...ledger, groupId };
}

async function withAdmin<T>(fn: (admin: ReturnType<typeof kafka.admin>) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

/** The high-water mark of `<topic>.dlq`'s one partition: how many dead letters it holds. */
async function dlqEnd(topic: string): Promise<number> {
  return withAdmin(async (admin) => Number((await admin.fetchTopicOffsets(`${topic}.dlq`))[0]?.high ?? 0));
}

async function committed(groupId: string, topic: string): Promise<string | undefined> {
  return withAdmin(async (admin) => (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions[0]?.offset);
}

async function rowsOf(group: string): Promise<{ id: string; kind: string; state: string; reason: string }[]> {
  const { rows } = await db.pool.query<{ id: string; kind: string; state: string; reason: string }>(
    'SELECT id::text, kind, state, reason FROM dead_letters WHERE consumer_group = $1 ORDER BY id',
    [group],
  );
  return rows;
}

beforeAll(async () => {
  db = await createTestDatabase();
  // Each service's own migrations make audit_log; the kit's test database has only the kit's tables.
  await db.pool.query(`CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), actor text NOT NULL,
    action text NOT NULL, target text NOT NULL, detail jsonb NOT NULL DEFAULT '{}'::jsonb, request_id text NULL)`);
  await db.pool.query('CREATE TABLE effects (event_id uuid NOT NULL)');
  redis = new Redis(testInfra().redisUrl);
}, 60_000);

afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
  await Promise.all(stoppers.map((s) => s().catch(() => undefined)));
  await tk.close();
  await redis?.quit();
  await db?.drop();
});

describe('dead-letter ledger', () => {
  it("stores its own group's dead letter once, and a replay after the fix handles it once through the inbox", async () => {
    const topic = await tk.createTopic('dl-handler');
    let broken = true;
    const groupId = uniqueName('group');
    const ours = createBatchConsumer({
      kafka,
      logger,
      pool: db.pool,
      inbox: uniqueName('inbox'),
      groupId,
      topics: [topic],
      ...fast,
      handleBatch: async (client, messages) => {
        if (broken) throw new Error('the handler is broken');
        for (const m of messages) await client.query('INSERT INTO effects (event_id) VALUES ($1)', [m.event.eventId]);
      },
    });
    // Another group on the same topic that fails too: its dead letter is its own service's business.
    const foreignGroup = uniqueName('foreign');
    const foreign = createConsumer({ kafka, logger, groupId: foreignGroup, topics: [topic], ...fast, handler: () => Promise.reject(new Error('not ours')) });
    stoppers.push(() => ours.stop(), () => foreign.stop());
    const event = anEvent('payment.completed');
    await tk.produce(topic, [{ key: event.key, value: JSON.stringify(event), headers: { origin: 'test' } }]);
    // The foreign dead letter first, so it comes before ours on the one-partition DLQ: once ours is
    // stored, the ledger has read past the foreign one.
    await foreign.start();
    await waitFor(async () => ((await dlqEnd(topic)) >= 1 ? true : undefined), { timeoutMs: 30_000, message: 'the foreign dead letter' });
    await ours.start();
    const ledger = await ledgerOf([ours]);
    const app = await appOver(ledger);
    const [row] = await waitFor(async () => {
      const rows = await rowsOf(groupId);
      return rows.length > 0 ? rows : undefined;
    }, { timeoutMs: 30_000, message: 'the dead letter in the ledger' });
    expect(row).toMatchObject({ kind: 'handler', state: 'open' });
    expect(row?.reason).toMatch(/the handler is broken/);

    // A second ledger reading the same DLQ from its beginning (a redelivery) stores nothing twice; the
    // foreign group's dead letter, on the same DLQ, is never stored.
    const again = await ledgerOf([ours]);
    await waitFor(async () => ((await committed(again.groupId, `${topic}.dlq`)) === '2' ? true : undefined), { timeoutMs: 30_000, message: 'the second ledger read both' });
    await again.stop();
    expect(await rowsOf(groupId)).toHaveLength(1);
    expect(await rowsOf(foreignGroup)).toEqual([]);

    const listed = await send(app, 'GET', '/v1/dead-letters?state=open');
    expect(listed.status).toBe(200);
    const view = (listed.body.deadLetters as DeadLetterView[]).find((d) => d.id === row?.id);
    expect(view).toMatchObject({ topic, group: groupId, kind: 'handler', attempts: 2, key: event.key, headers: { origin: 'test' }, state: 'open' });
    expect(JSON.parse(view?.payload ?? '{}')).toMatchObject({ eventId: event.eventId });

    broken = false;
    const replayed = await send(app, 'POST', `/v1/dead-letters/${row?.id}/replay`);
    expect(replayed.status).toBe(200);
    const done = replayed.body.deadLetter as DeadLetterView;
    expect(done).toMatchObject({ state: 'replayed', replayedBy: 'operator-console/alice', replayAttempts: 1 });
    // A second replay answers the replayed row unchanged and handles nothing again.
    const twice = await send(app, 'POST', `/v1/dead-letters/${row?.id}/replay`);
    expect(twice.status).toBe(200);
    expect(twice.body.deadLetter).toEqual(done);
    const effects = await db.pool.query('SELECT 1 FROM effects WHERE event_id = $1', [event.eventId]);
    expect(effects.rowCount).toBe(1);
    const audit = await db.pool.query<{ actor: string }>("SELECT actor FROM audit_log WHERE action = 'dead-letter.replay' AND target = $1", [row?.id]);
    expect(audit.rows).toEqual([{ actor: 'operator-console/alice' }]);
    expect((await send(app, 'GET', '/v1/dead-letters?state=replayed')).body.deadLetters).toEqual(expect.arrayContaining([done]));
  }, 90_000);

  it('replays a message failing its contract into the same refusal, leaving it open with the attempt counted', async () => {
    const topic = await tk.createTopic('dl-schema');
    const groupId = uniqueName('group');
    const handled: string[] = [];
    const c = createConsumer({ kafka, logger, groupId, topics: [topic], ...fast, handler: (event) => void handled.push(event.eventId) });
    stoppers.push(() => c.stop());
    await c.start();
    const ledger = await ledgerOf([c]);
    const app = await appOver(ledger);

    await tk.produce(topic, [{ key: 'acct-1', value: 'not json at all' }]);
    const [row] = await waitFor(async () => {
      const rows = await rowsOf(groupId);
      return rows.length > 0 ? rows : undefined;
    }, { timeoutMs: 30_000, message: 'the schema dead letter in the ledger' });
    expect(row).toMatchObject({ kind: 'schema', state: 'open' });

    const refused = await send(app, 'POST', `/v1/dead-letters/${row?.id}/replay`);
    expect(refused.status).toBe(409);
    expect((refused.body.error as { code: string; message: string })).toMatchObject({ code: 'invalid_state', message: expect.stringMatching(/fails its contract/) });
    const after = ((await send(app, 'GET', '/v1/dead-letters?state=open')).body.deadLetters as DeadLetterView[]).find((d) => d.id === row?.id);
    expect(after).toMatchObject({ state: 'open', replayAttempts: 1, lastReplayError: expect.stringMatching(/fails its contract/) });
    expect(handled).toEqual([]);

    expect((await send(app, 'POST', '/v1/dead-letters/999999999/replay')).status).toBe(404);
    expect((await send(app, 'GET', '/v1/dead-letters', channelKey)).status).toBe(403);
    expect((await send(app, 'GET', '/v1/dead-letters?state=bogus')).status).toBe(400);
  }, 90_000);
});
