// Issue 10 item 11: the service, booted from its real main.ts, rides out a Postgres crash (pg_ctl -m
// immediate) and a Redis outage under load without a restart of its own. While a dependency is down
// every request is answered 503 service_unavailable with Retry-After (never a 500, never a dead
// process), /readyz says not_ready, and once it is back the same process serves again: a payment
// refused during the outage succeeds when retried with the same Idempotency-Key, and no key is left
// stuck in progress. Postgres and Redis here are private instances (same scripts, own ports): crashing
// the shared ones would break every test file running beside this one.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signRequest } from '@gateway/kit';
import type { ClientsFile } from '@gateway/kit';
import { createTestKafka, serviceEnv, startPrivatePostgres, startPrivateRedis, startServiceProcess, uniqueName, waitFor } from '@gateway/testkit';
import type { PrivatePostgres, PrivateRedis, ServiceProcess, TestKafka } from '@gateway/testkit';
import pg from 'pg';
import { aBillIssued } from './support/harness.ts';

const entry = new URL('../src/main.ts', import.meta.url);
const billsTopic = uniqueName('outage-bills');
const clientId = `bank-alpha-${randomUUID().slice(0, 8)}`;
const secret = randomBytes(32).toString('base64');

let postgres: PrivatePostgres | undefined;
let redis: PrivateRedis | undefined;
let proc: ServiceProcess | undefined;
let kafka: TestKafka;
let clientsDir: string;
let db: pg.Pool;

type Answer = { status: number; body: { error?: { code: string } } & Record<string, unknown>; retryAfter: string | null };

async function send(method: 'GET' | 'POST', path: string, options: { body?: unknown; key?: string } = {}): Promise<Answer> {
  const url = `${proc!.baseUrl}${path}`;
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (options.key !== undefined) headers['idempotency-key'] = options.key;
  Object.assign(headers, await signRequest({ method, url, body, keyId: clientId, secret }));
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Answer['body']) : {}, retryAfter: res.headers.get('retry-after') };
}

async function readyz(): Promise<number> {
  return fetch(`${proc!.baseUrl}/readyz`).then(
    (r) => r.status,
    () => 0,
  );
}

/** Bills the service learns about the way it does in production: bill.issued events on its topic. */
async function issueBills(count: number) {
  const events = Array.from({ length: count }, () => aBillIssued());
  await kafka.produce(
    billsTopic,
    events.map((event) => ({ key: event.key, value: JSON.stringify(event) })),
  );
  const bills = [];
  for (const event of events) {
    await waitFor(async () => (await send('GET', `/v1/bills?billerId=telecom&accountNo=${event.payload.accountNo}`)).status === 200, {
      timeoutMs: 30_000,
      intervalMs: 250,
      message: 'the bill in the read model',
    });
    bills.push(event.payload);
  }
  return bills;
}

function aPaymentOf(bill: Awaited<ReturnType<typeof issueBills>>[number]) {
  return {
    channelTxnId: `txn-${randomUUID()}`,
    billerId: bill.billerId,
    accountNo: bill.accountNo,
    billIds: [bill.billId],
    amount: bill.amountDue,
    paidAt: new Date().toISOString(),
  };
}

/** What a client under load may be told: success, a business answer, or 503 service_unavailable with Retry-After. */
function expectSafeAnswer(answer: Answer): void {
  if (answer.status >= 500) {
    expect({ status: answer.status, code: answer.body.error?.code, retryAfter: answer.retryAfter }).toEqual({
      status: 503,
      code: 'service_unavailable',
      retryAfter: expect.stringMatching(/^\d+$/),
    });
  }
}

beforeAll(async () => {
  [postgres, redis] = await Promise.all([startPrivatePostgres(), startPrivateRedis()]);
  kafka = createTestKafka();
  clientsDir = mkdtempSync(join(tmpdir(), 'outage-clients-'));
  const clients: ClientsFile = [{ clientId, kind: 'channel', channelId: 'bank-alpha', keys: [{ keyId: clientId, secret }] }];
  writeFileSync(join(clientsDir, 'clients.json'), JSON.stringify(clients));
  db = new pg.Pool({ connectionString: postgres.url('payments'), max: 2 });
  db.on('error', () => undefined);
  proc = await startServiceProcess(
    entry,
    serviceEnv({
      DATABASE_URL: postgres.url('payments'),
      REDIS_URL: redis.url,
      CLIENTS_FILE: join(clientsDir, 'clients.json'),
      BILLS_TOPIC: billsTopic,
      BILL_READ_MODEL_GROUP_ID: uniqueName('outage-read-model'),
      CHANNEL_RESULTS_TOPIC: uniqueName('outage-results'),
      CHANNEL_HEALTH_GROUP_ID: uniqueName('outage-health'),
      CHANNEL_RESULTS_GROUP_ID: uniqueName('outage-channel-results'),
    }),
  );
}, 120_000);

afterAll(async () => {
  if (proc && proc.child.exitCode === null) proc.child.kill('SIGKILL');
  await kafka?.close();
  await db?.end().catch(() => undefined);
  await Promise.all([postgres?.destroy(), redis?.destroy()]);
  if (clientsDir) rmSync(clientsDir, { recursive: true, force: true });
}, 120_000);

describe('a dependency outage under a running payment orchestration', () => {
  it('survives an immediate Postgres restart under load: 503 service_unavailable while it is down, then serves again without a restart', async () => {
    const bills = await issueBills(20);
    const pid = proc!.child.pid;

    // Load: payments and inquiries keep coming from before the crash until after the restart.
    const answers: Answer[] = [];
    const refusedPayments: { key: string; body: ReturnType<typeof aPaymentOf> }[] = [];
    let loading = true;
    let paymentsAnswered = 0;
    const load = (async () => {
      let i = 0;
      while (loading) {
        const bill = bills[i++ % bills.length]!;
        const inquiry = await send('GET', `/v1/bills?billerId=telecom&accountNo=${bill.accountNo}`).catch(() => undefined);
        if (inquiry) answers.push(inquiry);
        if (i <= bills.length) {
          const payment = { key: `outage-${randomUUID()}`, body: aPaymentOf(bill) };
          const paid = await send('POST', '/v1/payments', { body: payment.body, key: payment.key }).catch(() => undefined);
          if (paid) answers.push(paid);
          paymentsAnswered++;
          if (paid?.status !== 201) refusedPayments.push(payment);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    // Crash with the load well under way, so payments land before, during and after the outage.
    await waitFor(() => paymentsAnswered >= 4, { timeoutMs: 20_000, message: 'the load to start' });
    await postgres!.crash();
    await waitFor(async () => (await readyz()) === 503, { timeoutMs: 15_000, message: '/readyz to say not ready' });
    const duringOutage = await send('GET', `/v1/bills?billerId=telecom&accountNo=${bills[0]!.accountNo}`);
    expect(duringOutage.status).toBe(503);
    expect(duringOutage.body.error?.code).toBe('service_unavailable');
    expect(duringOutage.retryAfter).toMatch(/^\d+$/);

    // Bills issued while Postgres is down reach the read model once it is back: the consumer waits for
    // its database rather than spending its five attempts in seconds and dead-lettering good events.
    const issuedDuringOutage = Array.from({ length: 3 }, () => aBillIssued());
    await kafka.produce(
      billsTopic,
      issuedDuringOutage.map((event) => ({ key: event.key, value: JSON.stringify(event) })),
    );

    // Down for 5 s, as in the incident (pg_ctl -m immediate stop, start 5 s later).
    await new Promise((r) => setTimeout(r, 5_000));
    await postgres!.up();
    await waitFor(async () => (await readyz()) === 200, { timeoutMs: 30_000, message: '/readyz to say ready again' });
    loading = false;
    await load;

    // The same process, still running, serving again.
    expect(proc!.child.exitCode).toBeNull();
    expect(proc!.child.pid).toBe(pid);
    expect(answers.length).toBeGreaterThan(0);
    for (const answer of answers) expectSafeAnswer(answer);
    expect(answers.some((a) => a.status === 503)).toBe(true);

    // A payment refused (or lost) during the outage, retried with the same key, is paid exactly once.
    for (const { key, body } of refusedPayments) {
      const retried = await send('POST', '/v1/payments', { body, key });
      expect(retried.status).toBe(201);
    }
    for (const event of issuedDuringOutage) {
      await waitFor(async () => (await send('GET', `/v1/bills?billerId=telecom&accountNo=${event.payload.accountNo}`)).status === 200, {
        timeoutMs: 30_000,
        intervalMs: 250,
        message: 'a bill issued during the outage in the read model',
      });
    }
    const [fresh] = await issueBills(1);
    expect((await send('POST', '/v1/payments', { body: aPaymentOf(fresh!), key: `after-${randomUUID()}` })).status).toBe(201);
    const { rows } = await db.query<{ in_progress: number; payments: number }>(
      `SELECT (SELECT count(*)::int FROM idempotency_keys WHERE status = 'in_progress') AS in_progress,
              (SELECT count(*)::int FROM payments) AS payments`,
    );
    expect(rows[0]).toEqual({ in_progress: 0, payments: bills.length + 1 });
  }, 120_000);

  it('answers 503 service_unavailable with Retry-After, not 500, while Redis is down, and serves again when it is back', async () => {
    const [bill, loadBill] = await issueBills(2);
    // Load across the outage: payments (the first pays loadBill, the rest are refused as already paid),
    // each answered either normally or 503 with Retry-After.
    const answers: Answer[] = [];
    let loading = true;
    const load = (async () => {
      while (loading) {
        const paid = await send('POST', '/v1/payments', { body: aPaymentOf(loadBill!), key: `redis-load-${randomUUID()}` }).catch(() => undefined);
        if (paid) answers.push(paid);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await waitFor(() => answers.length >= 3, { timeoutMs: 20_000, message: 'the load to start' });
    await redis!.down();
    await waitFor(async () => (await readyz()) === 503, { timeoutMs: 15_000, message: '/readyz to say not ready' });
    const inquiry = await send('GET', `/v1/bills?billerId=telecom&accountNo=${bill!.accountNo}`);
    const key = `redis-${randomUUID()}`;
    const body = aPaymentOf(bill!);
    const payment = await send('POST', '/v1/payments', { body, key });
    for (const answer of [inquiry, payment]) {
      expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status: 503, code: 'service_unavailable' });
      expect(answer.retryAfter).toMatch(/^\d+$/);
    }

    // Down for 5 s, as in the incident.
    await new Promise((r) => setTimeout(r, 5_000));
    await redis!.up();
    await waitFor(async () => (await readyz()) === 200, { timeoutMs: 30_000, message: '/readyz to say ready again' });
    loading = false;
    await load;
    for (const answer of answers) expectSafeAnswer(answer);
    expect(answers.filter((a) => a.status === 503).length).toBeGreaterThan(0);
    expect((await send('POST', '/v1/payments', { body, key })).status).toBe(201);
    expect(proc!.child.exitCode).toBeNull();
  }, 90_000);
});
