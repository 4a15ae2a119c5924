// Issue 17 (cluster profile): two replicas of the service on one database. Their outbox relays share
// the outbox: each claims its batch FOR UPDATE SKIP LOCKED and holds the rows until the send is
// acknowledged (kit's outbox/publish-batch.ts), so a row is published by one relay, once. Proven over
// two real processes: the topic ends with exactly as many records as events were written. Their
// schedulers share the work the same way: the intent expiry sweep claims due intents FOR UPDATE SKIP
// LOCKED (store/pg-intent-store.ts claimDueIntents), so each expired intent is failed, and announced,
// once.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { enqueueEvents, withTransaction } from '@gateway/kit';
import type { ClientsFile } from '@gateway/kit';
import { anEvent, createTestDatabase, createTestKafka, serviceEnv, startServiceProcess, testKafka, uniqueName, waitFor } from '@gateway/testkit';
import type { ServiceProcess, TestDatabase } from '@gateway/testkit';
import type { Admin } from 'kafkajs';

const entry = new URL('../src/main.ts', import.meta.url);
const clientId = `bank-alpha-${randomUUID().slice(0, 8)}`;
let db: TestDatabase;
let admin: Admin;
let clientsDir: string;
let env: NodeJS.ProcessEnv;
const procs: ServiceProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  admin = testKafka().admin();
  await admin.connect();
  clientsDir = mkdtempSync(join(tmpdir(), 'two-replicas-clients-'));
  const clients: ClientsFile = [{ clientId, kind: 'channel', channelId: 'bank-alpha', keys: [{ keyId: clientId, secret: randomBytes(32).toString('base64') }] }];
  writeFileSync(join(clientsDir, 'clients.json'), JSON.stringify(clients));
  // The same settings for both replicas, as start-cluster.sh gives them: same database, same groups.
  env = serviceEnv({
    DATABASE_URL: db.url,
    CLIENTS_FILE: join(clientsDir, 'clients.json'),
    BILLS_TOPIC: uniqueName('replicas-bills'),
    CHANNEL_RESULTS_TOPIC: uniqueName('replicas-results'),
    BILL_READ_MODEL_GROUP_ID: uniqueName('replicas-read-model'),
    CHANNEL_HEALTH_GROUP_ID: uniqueName('replicas-health'),
    CHANNEL_RESULTS_GROUP_ID: uniqueName('replicas-channel-results'),
    // Small batches, so both relays have many claims to race for; a sweep every 100 ms on each.
    OUTBOX_BATCH_SIZE: '10',
    INTENT_SWEEP_INTERVAL: '100ms',
  });
}, 60_000);

afterAll(async () => {
  for (const proc of procs) if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
  await admin?.disconnect();
  await db?.drop();
  if (clientsDir) rmSync(clientsDir, { recursive: true, force: true });
}, 60_000);

describe('two replicas of payment orchestration on one database', () => {
  it('publish each outbox event exactly once between their two relays', async () => {
    procs.push(await startServiceProcess(entry, env), await startServiceProcess(entry, env));
    const topic = await createTestKafka().createTopic('replicas-outbox', 3);

    const count = 300;
    const events = Array.from({ length: count }, (_, i) => anEvent('payment.completed', { key: `acct-${i % 17}` }));
    // In several transactions, so the rows arrive while both relays poll.
    for (let i = 0; i < count; i += 30) {
      await withTransaction(db.pool, (client) => enqueueEvents(client, events.slice(i, i + 30), topic));
    }

    await waitFor(
      async () => Number((await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE topic = $1 AND published_at IS NULL', [topic])).rows[0]!.n) === 0,
      { timeoutMs: 60_000, message: 'every outbox row published' },
    );
    // Every row is marked published only after the broker acknowledged its send, so the topic holds
    // all its records now: one per event, none twice.
    const offsets = await admin.fetchTopicOffsets(topic);
    const records = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    expect(records).toBe(count);
    expect(procs.every((p) => p.child.exitCode === null)).toBe(true);
  }, 120_000);

  it('expire each due intent once between their two expiry sweepers', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `pi_replicas_${i}_${randomUUID().slice(0, 8)}`);
    // Waiting for an OTP, past its expiry: the sweep fails it ('expired') and writes its event.
    await db.pool.query(
      `INSERT INTO payment_intents (intent_id, client_id, biller_id, account_no, requested_bill_ids, quoted_bill_ids, amount, fee,
         currency, channel_id, reference, payer_msisdn, payer_account_no, status, correlation_id, created_at, expires_at, updated_at)
       SELECT id, $2, 'syriatel', '0933000001', NULL, ARRAY['bill-' || id], 1000, 0, 'SYP', 'bank-alpha', 'ref-' || id, NULL, 'acct-1',
         'requires_confirmation', $3, now() - interval '20 minutes', now() - interval '1 minute', now() - interval '20 minutes'
       FROM unnest($1::text[]) AS id`,
      [ids, clientId, randomUUID()],
    );
    await waitFor(
      async () => Number((await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM payment_intents WHERE intent_id = ANY($1) AND status = 'failed'`, [ids])).rows[0]!.n) === ids.length,
      { timeoutMs: 30_000, message: 'every due intent failed by the sweep' },
    );
    // One event per intent: an intent swept by both replicas would have two.
    const { rows } = await db.pool.query<{ intent: string; type: string; n: string }>(
      `SELECT d.intent, o.headers->>'event-type' AS type, count(*) AS n
       FROM unnest($1::text[]) AS d(intent) JOIN outbox o ON strpos(o.payload::text, '"' || d.intent || '"') > 0 GROUP BY 1, 2`,
      [ids],
    );
    expect(rows.map((r) => r.intent).sort()).toEqual([...ids].sort());
    expect(rows.filter((r) => Number(r.n) !== 1)).toEqual([]);
  }, 60_000);
});
