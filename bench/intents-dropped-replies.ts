// Bench and check (issue 5): with the bank simulator's GET /transactions as the truth, N gateway-
// initiated payment intents on bank-alpha while the bank drops a share of its replies AFTER committing
// the debit must all end terminal (or, at worst, flagged for reconciliation), with no customer debited
// twice and every succeeded intent backed by exactly one real debit.
//
//   node bench/intents-dropped-replies.ts [--intents 1000] [--drop-rate 0.2] [--concurrency 20] [--max-seconds 900]
//
// Self-contained: it starts its own channel simulator, billing, payment orchestration and bank adapter
// from their real main.ts, on free ports, each with a fresh database and its own consumer groups, and
// stops and drops all of it at the end, on failure, on SIGINT/SIGTERM and at --max-seconds. It needs
// only the local Postgres, Redis and Kafka. Traffic goes to 127.0.0.1 only.
//
// What differs from production configuration, and why (also printed with the results):
//   - the adapter's channel registry is a temp copy whose baseUrls point at this run's simulator, with
//     breaker timeoutMs 1000 (production 5000) so a dropped reply costs a second, not five; a short
//     status-inquiry backoff; finalityWindowMs one hour (the minimum); and errorThresholdPercentage 90, because 20 %
//     timeouts are the point of the run and must not open the breaker (which would turn intents into
//     fast `channel_unavailable` failures and test something else);
//   - channel results travel on a topic of this run, not channels.results: payment orchestration
//     publishes its debit commands to the fixed channels.commands, so another stack's bank adapter may
//     also see them, but only THIS run's adapter, calling THIS run's simulator, can move our intents.
//     Debits this run's simulator makes for commands of other stacks are counted and reported apart;
//   - this run's consumer groups on the shared topics (channels.commands, billing.bills,
//     payments.payments) start at the topics' current end, not the beginning (see startAtEnd).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { databaseUrl, signRequest } from '@gateway/kit';
import { adminUrl, createStack, freePort, kafkaBrokers, kafkaSasl, redisUrl, sleep } from './intents-stack.ts';
import type { Stack } from './intents-stack.ts';

const { values } = parseArgs({
  options: {
    intents: { type: 'string', default: '1000' },
    'drop-rate': { type: 'string', default: '0.2' },
    concurrency: { type: 'string', default: '20' },
    'max-seconds': { type: 'string', default: '900' },
  },
});
const total = Number(values.intents);
const dropRate = Number(values['drop-rate']);
const concurrency = Number(values.concurrency);
const maxSeconds = Number(values['max-seconds']);
// The payer account is `1000000000${i}`: 10–16 digits holds for i below 1,000,000.
if (!Number.isSafeInteger(total) || total < 1 || total > 100_000) throw new Error('--intents must be 1..100,000');
if (!(dropRate >= 0 && dropRate <= 1)) throw new Error('--drop-rate must be 0..1');
if (!Number.isSafeInteger(concurrency) || concurrency < 1 || concurrency > 500) throw new Error('--concurrency must be 1..500');
if (!Number.isSafeInteger(maxSeconds) || maxSeconds < 60) throw new Error('--max-seconds must be an integer ≥ 60');

const startedAt = performance.now();
const deadline = Date.now() + maxSeconds * 1000;
// Kept back from the work phases for the verification and the cleanup, so the run ends with its
// figures and its processes stopped before the hard stop at --max-seconds.
const reserveMs = 25_000;
const workDeadline = deadline - reserveMs;
const secondsSince = (t: number): number => (performance.now() - t) / 1000;

// The simulator settings this run overrides in the adapter's temp registry (see the header).
const adapterOverrides = {
  breaker: { timeoutMs: 1_000, errorThresholdPercentage: 90 },
  statusInquiry: { backoffMs: [500, 1_000, 2_000, 4_000, 8_000], finalityWindowMs: 3_600_000 },
};

const repo = (relative: string): URL => new URL(`../${relative}`, import.meta.url);
type Key = { keyId: string; secret: string };
const clients = JSON.parse(readFileSync(repo('infra/local/clients.json'), 'utf8')) as { clientId: string; keys: Key[] }[];
function keyOf(clientId: string): Key {
  const key = clients.find((c) => c.clientId === clientId)?.keys[0];
  if (!key) throw new Error(`no client ${clientId} in infra/local/clients.json`);
  return key;
}
const portal = keyOf('citizen-portal');
const biller = keyOf('telecom-billing');

type Reply<T> = { status: number; json: T };
async function send<T>(method: 'GET' | 'POST', url: string, key: Key, body?: unknown, idempotencyKey?: string): Promise<Reply<T>> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = {};
  if (text !== undefined) {
    headers['content-type'] = 'application/json';
    headers['idempotency-key'] = idempotencyKey ?? `bench-${randomBytes(12).toString('hex')}`;
  }
  Object.assign(headers, await signRequest({ method, url, body: text, keyId: key.keyId, secret: key.secret, headers }));
  const response = await fetch(url, { method, headers, body: text, signal: AbortSignal.timeout(30_000) });
  return { status: response.status, json: (await response.json().catch(() => null)) as T };
}

/** Runs `work(i)` for i in [0, count) with `width` workers; stops taking new items past `until`. */
async function pool(count: number, width: number, until: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, count) }, async () => {
      while (next < count && Date.now() < until) await work(next++);
    }),
  );
}

class TimeUp extends Error {}
function checkTime(what: string): void {
  if (Date.now() > workDeadline) throw new TimeUp(`time bound (--max-seconds ${maxSeconds}) reached while ${what}`);
}

type SimChannel = { channelId: string; port: number } & Record<string, unknown>;
type AdapterChannel = { channelId: string; baseUrl: string; breaker: Record<string, number>; statusInquiry: Record<string, unknown> } & Record<string, unknown>;
type IntentView = { intentId: string; status: string; amount: { amount: number; currency: string }; fee?: { amount: number }; lastError?: { code: string } };
type Inquiry = { bills: { billId: string; amountDue: { amount: number; currency: string } }[] };
type Transaction = { reference: string; txnId: string; amount: { amount: number; currency: string }; status: 'succeeded' | 'reversed' };

const terminal = new Set(['succeeded', 'failed', 'canceled']);
const run = randomBytes(4).toString('hex');
const names = {
  billingDb: `bench_intents_${run}_billing`,
  paymentsDb: `bench_intents_${run}_payments`,
  adapterDb: `bench_intents_${run}_adapter`,
  resultsTopic: `bench.intents-${run}.results`,
  groups: {
    settlement: `bench-intents-${run}-settlement`,
    readModel: `bench-intents-${run}-read-model`,
    health: `bench-intents-${run}-health`,
    results: `bench-intents-${run}-results`,
    commands: `bench-intents-${run}-commands`,
  },
};

const stack: Stack = createStack();
const workDir = mkdtempSync(path.join(tmpdir(), `bench-intents-${run}-`));

// The hard stop: whatever is still awaited at --max-seconds, every child dies and the run ends.
const watchdog = setTimeout(() => {
  console.error(`hard stop at --max-seconds ${maxSeconds}: killing every process this run started`);
  stack.killNow();
  void Promise.race([stack.cleanup(1_000), sleep(5_000)]).finally(() => {
    rmSync(workDir, { recursive: true, force: true });
    process.exit(3);
  });
}, deadline - Date.now());
watchdog.unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`${signal}: stopping every process this run started`);
    void stack.cleanup(5_000).finally(() => {
      rmSync(workDir, { recursive: true, force: true });
      process.exit(130);
    });
  });
}

const baseEnv = (overrides: Record<string, string>): Record<string, string> => ({
  PATH: process.env['PATH'] ?? '',
  KAFKA_BROKERS: kafkaBrokers,
  ...(kafkaSasl ? { KAFKA_SASL_USERNAME: kafkaSasl.username, KAFKA_SASL_PASSWORD: kafkaSasl.password } : {}),
  REDIS_URL: redisUrl,
  LOG_LEVEL: 'warn',
  ...overrides,
});

async function startStack(): Promise<{ billing: string; orchestration: string; simulator: string }> {
  // The simulator: every channel of its shipped file, each on a free port of this run.
  const simFile = JSON.parse(readFileSync(repo('simulators/channel-simulator/config/channels.json'), 'utf8')) as { channels: SimChannel[] };
  const ports = new Map<string, number>();
  for (const channel of simFile.channels) ports.set(channel.channelId, await freePort());
  const simChannelsFile = path.join(workDir, 'simulator-channels.json');
  writeFileSync(simChannelsFile, JSON.stringify({ channels: simFile.channels.map((c) => ({ ...c, port: ports.get(c.channelId)! })) }, null, 2));
  const simulator = `http://127.0.0.1:${ports.get('bank-alpha')!}`;

  // The adapter's registry: the shipped one, aimed at those ports, with this run's timeouts (see the header).
  const adapterFile = JSON.parse(readFileSync(repo('services/bank-adapter/config/channels.json'), 'utf8')) as { channels: AdapterChannel[] };
  const adapterChannelsFile = path.join(workDir, 'adapter-channels.json');
  writeFileSync(
    adapterChannelsFile,
    JSON.stringify(
      {
        channels: adapterFile.channels.map((c) => ({
          ...c,
          baseUrl: `http://127.0.0.1:${ports.get(c.channelId)!}`,
          breaker: { ...c.breaker, ...adapterOverrides.breaker },
          statusInquiry: { ...c.statusInquiry, ...adapterOverrides.statusInquiry },
        })),
      },
      null,
      2,
    ),
  );

  stack.kafkaNames({ groups: Object.values(names.groups), topics: [names.resultsTopic] });
  // This run's services read only what happens after they start (its bills are imported, its
  // commands sent, afterwards); see startAtEnd for what replaying the shared topics would cost.
  await stack.startAtEnd([
    { groupId: names.groups.settlement, topic: 'payments.payments' },
    { groupId: names.groups.readModel, topic: 'billing.bills' },
    { groupId: names.groups.commands, topic: 'channels.commands' },
  ]);
  const [billingDb, paymentsDb, adapterDb] = await Promise.all([stack.database(names.billingDb), stack.database(names.paymentsDb), stack.database(names.adapterDb)]);
  const port = async (): Promise<Record<string, string>> => {
    const p = await freePort();
    return { HTTP_HOST: '127.0.0.1', HTTP_PORT: String(p), BASE: `http://127.0.0.1:${p}` };
  };
  const [billingPort, orchestrationPort, adapterPort] = [await port(), await port(), await port()];
  const readyOf = (p: Record<string, string>): string => `${p['BASE']!}/readyz`;
  const withoutBase = ({ BASE: _base, ...rest }: Record<string, string>): Record<string, string> => rest;

  await stack.start({
    name: 'channel-simulator',
    entry: repo('simulators/channel-simulator/src/main.ts'),
    env: { PATH: process.env['PATH'] ?? '', SIMULATOR_HOST: '127.0.0.1', CHANNELS_FILE: simChannelsFile, LOG_LEVEL: 'warn' },
    readyUrl: `${simulator}/readyz`,
    timeoutMs: 30_000,
  });
  await Promise.all([
    stack.start({
      name: 'billing',
      entry: repo('services/billing/src/main.ts'),
      env: baseEnv({ ...withoutBase(billingPort), DATABASE_URL: billingDb, SETTLEMENT_GROUP_ID: names.groups.settlement, LATE_FEE_RUN_ENABLED: 'false' }),
      readyUrl: readyOf(billingPort),
      timeoutMs: 60_000,
    }),
    stack.start({
      name: 'payment-orchestration',
      entry: repo('services/payment-orchestration/src/main.ts'),
      // CHANNELS_FILE is left to its default here: orchestration's own catalogue, not the adapter's registry.
      env: baseEnv({
        ...withoutBase(orchestrationPort),
        DATABASE_URL: paymentsDb,
        RATE_LIMIT_PER_MINUTE: '1000000',
        BILL_READ_MODEL_GROUP_ID: names.groups.readModel,
        CHANNEL_HEALTH_GROUP_ID: names.groups.health,
        CHANNEL_RESULTS_GROUP_ID: names.groups.results,
        CHANNEL_RESULTS_TOPIC: names.resultsTopic,
      }),
      readyUrl: readyOf(orchestrationPort),
      timeoutMs: 60_000,
    }),
    stack.start({
      name: 'bank-adapter',
      entry: repo('services/bank-adapter/src/main.ts'),
      env: baseEnv({
        ...withoutBase(adapterPort),
        DATABASE_URL: adapterDb,
        CHANNELS_FILE: adapterChannelsFile,
        COMMANDS_GROUP_ID: names.groups.commands,
        RESULTS_TOPIC: names.resultsTopic,
      }),
      readyUrl: readyOf(adapterPort),
      timeoutMs: 60_000,
    }),
  ]);
  return { billing: billingPort['BASE']!, orchestration: orchestrationPort['BASE']!, simulator };
}

// A run-specific block of Damascus landlines (011 + 7 digits), so no bill of an earlier run (the
// read model replays billing.bills from the beginning) shares an account with this one.
const base = 1_000_000 + (randomBytes(4).readUInt32BE() % (8_999_999 - total));
const accountOf = (i: number): string => `011${String(base + i)}`;
const payerOf = (i: number): string => `1000000000${i}`;

type Bill = { billId: string; amountDue: { amount: number; currency: string } };

async function importBills(billing: string, orchestration: string): Promise<Bill[]> {
  for (let start = 0; start < total; start += 5_000) {
    checkTime('importing bills');
    const rows = [];
    for (let i = start; i < Math.min(total, start + 5_000); i++) {
      rows.push({
        externalBillId: `bench-intents-${run}-${i}`,
        accountNo: accountOf(i),
        period: { from: '2026-10-01', to: '2026-10-31' },
        issueDate: '2026-11-01',
        // Far ahead, so no late fee moves the amount due while the run lasts.
        dueDate: '2099-12-31',
        amount: { amount: 150_000, currency: 'SYP' },
        holder: { name: `Bench subscriber ${i}`, class: 'individual', msisdn: '+963944123456' },
      });
    }
    const res = await send<unknown>('POST', `${billing}/v1/bill-batches`, biller, { batchId: `bench-intents-${run}-${start}`, bills: rows });
    if (res.status !== 202) throw new Error(`bill import answered ${res.status}: ${JSON.stringify(res.json)}`);
  }
  // The read model is fed by bill.issued over Kafka: wait until the portal can see each bill, as a
  // citizen would before paying it. The inquiry gives the bill id and the amount due to pay.
  const bills: Bill[] = new Array<Bill>(total);
  await pool(total, concurrency, workDeadline, async (i) => {
    for (;;) {
      const res = await send<Inquiry>('GET', `${orchestration}/v1/bills?billerId=telecom&accountNo=${accountOf(i)}`, portal);
      const bill = res.status === 200 ? res.json.bills[0] : undefined;
      if (bill) {
        bills[i] = { billId: bill.billId, amountDue: bill.amountDue };
        return;
      }
      checkTime('waiting for payment orchestration to see the bills');
      await sleep(250);
    }
  });
  checkTime('waiting for payment orchestration to see the bills');
  return bills;
}

type Created = { intentId: string | null; refusal: string | null };

async function createIntent(orchestration: string, i: number, bill: Bill): Promise<Created> {
  const body = {
    billerId: 'telecom',
    accountNo: accountOf(i),
    billIds: [bill.billId],
    amount: bill.amountDue,
    channelId: 'bank-alpha',
    payer: { accountNo: payerOf(i) },
  };
  // One key per intent for all its attempts: a retry after a lost answer gets the same intent back,
  // never a second one (and 503 channel_unavailable is not stored under the key, so it can run again).
  const key = `bench-intents-${run}-${i}`;
  let last = '';
  for (let attempt = 1; attempt <= 6; attempt++) {
    try {
      const res = await send<IntentView & { error?: { code: string } }>('POST', `${orchestration}/v1/payment-intents`, portal, body, key);
      if (res.status === 201 || res.status === 200) return { intentId: res.json.intentId, refusal: null };
      last = `${res.status} ${res.json.error?.code ?? ''}`.trim();
      if (res.status !== 429 && res.status !== 503 && res.status !== 409 && res.status < 500) break;
      // 409 is retried only when it is about the key (the first attempt still running).
      if (res.status === 409 && res.json.error?.code !== 'idempotency_key_in_use') break;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > workDeadline) break;
    await sleep(500 * attempt);
  }
  return { intentId: null, refusal: last };
}

type Flag = { status: string; reconciliation: string | null; wasUnknown: boolean; everReconciled: boolean; lastError: string | null };

/** The reconciliation flag is not in the portal's view of an intent: read it from orchestration's own
 *  database (this run created it), together with what the intents went through on the way. */
async function readFlags(db: pg.Client, ids: string[]): Promise<Map<string, Flag>> {
  const { rows } = await db.query<{ intent_id: string; status: string; reconciliation_reason: string | null; unknown_since: Date | null; ever: boolean; last_error_reason: string | null }>(
    `SELECT i.intent_id, i.status, i.reconciliation_reason, i.unknown_since, i.last_error_reason,
            EXISTS (SELECT 1 FROM intent_reconciliation r WHERE r.intent_id = i.intent_id) AS ever
       FROM payment_intents i WHERE i.intent_id = ANY($1)`,
    [ids],
  );
  return new Map(
    rows.map((r) => [
      r.intent_id,
      { status: r.status, reconciliation: r.reconciliation_reason, wasUnknown: r.unknown_since !== null, everReconciled: r.ever, lastError: r.last_error_reason },
    ]),
  );
}

function countBy<T>(items: Iterable<T>, keyOf: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[keyOf(item)] = (counts[keyOf(item)] ?? 0) + 1;
  return counts;
}

let exitCode = 0;
let flagsDb: pg.Client | undefined;
try {
  console.log(`intents bench ${run}: ${total} intents on bank-alpha, drop rate ${dropRate}, concurrency ${concurrency}, bound ${maxSeconds} s`);
  console.log(
    `  adapter registry (temp copy): breaker timeoutMs ${adapterOverrides.breaker.timeoutMs}, errorThresholdPercentage ${adapterOverrides.breaker.errorThresholdPercentage}; ` +
      `status inquiry backoffMs [${adapterOverrides.statusInquiry.backoffMs.join(', ')}], finalityWindowMs ${adapterOverrides.statusInquiry.finalityWindowMs}`,
  );
  const urls = await startStack();
  console.log(`  stack up in ${secondsSince(startedAt).toFixed(1)} s (simulator ${urls.simulator}, billing ${urls.billing}, orchestration ${urls.orchestration})`);

  const importStarted = performance.now();
  const bills = await importBills(urls.billing, urls.orchestration);
  console.log(`  ${total} bills imported and visible to the portal in ${secondsSince(importStarted).toFixed(1)} s`);

  const control = await fetch(`${urls.simulator}/control`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ dropReplyRate: dropRate }),
  });
  if (!control.ok) throw new Error(`simulator /control answered ${control.status}`);

  // Create every intent at the given concurrency.
  const intentsStarted = performance.now();
  // Filled, not sparse: an intent the time bound kept from being attempted must still be counted.
  const created: (Created | undefined)[] = Array.from({ length: total }, () => undefined);
  await pool(total, concurrency, workDeadline, async (i) => {
    created[i] = await createIntent(urls.orchestration, i, bills[i]!);
  });
  const createSeconds = secondsSince(intentsStarted);
  const ids = created.flatMap((c) => (c?.intentId ? [c.intentId] : []));
  const refusals = countBy(
    created.filter((c) => !c?.intentId),
    (c) => c?.refusal ?? 'not attempted (time bound)',
  );
  console.log(`  ${ids.length} intents created in ${createSeconds.toFixed(1)} s${ids.length < total ? `; not created: ${JSON.stringify(refusals)}` : ''}`);

  // Poll the portal's view until every intent is terminal or flagged for reconciliation.
  flagsDb = new pg.Client({ connectionString: databaseUrl(adminUrl, names.paymentsDb) });
  await flagsDb.connect();
  const seen = new Map<string, IntentView>();
  let pending = [...ids];
  let flags = new Map<string, Flag>();
  for (;;) {
    const still: string[] = [];
    const batch = pending;
    await pool(batch.length, concurrency, Infinity, async (k) => {
      const id = batch[k]!;
      const res = await send<IntentView>('GET', `${urls.orchestration}/v1/payment-intents/${id}`, portal).catch(() => undefined);
      if (res?.status === 200) seen.set(id, res.json);
      if (res?.status !== 200 || !terminal.has(res.json.status)) still.push(id);
    });
    flags = await readFlags(flagsDb, ids);
    pending = still.filter((id) => flags.get(id)?.reconciliation == null);
    if (pending.length === 0 || Date.now() > workDeadline) break;
    await sleep(500);
  }
  const settleSeconds = secondsSince(intentsStarted);

  // The truth: what the bank really debited.
  const txRes = await fetch(`${urls.simulator}/transactions`, { signal: AbortSignal.timeout(30_000) });
  if (!txRes.ok) throw new Error(`simulator /transactions answered ${txRes.status}`);
  const transactions = ((await txRes.json()) as { transactions: Transaction[] }).transactions;
  const ours = new Set(ids);
  const debitsByRef = new Map<string, Transaction[]>();
  let foreign = 0;
  for (const t of transactions) {
    if (!ours.has(t.reference)) {
      foreign++;
      continue;
    }
    debitsByRef.set(t.reference, [...(debitsByRef.get(t.reference) ?? []), t]);
  }

  const statusOf = (id: string): string => seen.get(id)?.status ?? 'never seen';
  const finalStatus = countBy(ids, statusOf);
  const inReconciliation = ids.filter((id) => flags.get(id)?.reconciliation != null);
  const nonTerminalInRecon = inReconciliation.filter((id) => !terminal.has(statusOf(id)));
  const leftNonTerminal = ids.filter((id) => !terminal.has(statusOf(id)) && flags.get(id)?.reconciliation == null);
  const everReconciled = ids.filter((id) => flags.get(id)?.everReconciled);
  const wentUnknown = ids.filter((id) => flags.get(id)?.wasUnknown);
  const succeeded = ids.filter((id) => statusOf(id) === 'succeeded');
  const doubleDebited = [...debitsByRef.entries()].filter(([, list]) => list.length > 1);
  const extraDebits = doubleDebited.reduce((sum, [, list]) => sum + list.length - 1, 0);
  const succeededWithOne = succeeded.filter((id) => debitsByRef.get(id)?.length === 1).length;
  const succeededWithoutDebit = succeeded.filter((id) => !debitsByRef.has(id));
  const debitsWithoutSucceeded = [...debitsByRef.keys()].filter((ref) => statusOf(ref) !== 'succeeded');
  const withoutSucceededInRecon = debitsWithoutSucceeded.filter((ref) => flags.get(ref)?.reconciliation != null);
  // A debit whose intent has no outcome yet (only when the time bound stopped the polling) is in
  // flight, not lost; one whose intent failed or was canceled without a reconciliation flag is lost money.
  const withoutSucceededInFlight = debitsWithoutSucceeded.filter((ref) => flags.get(ref)?.reconciliation == null && !terminal.has(statusOf(ref)));
  const withoutSucceededUnexplained = debitsWithoutSucceeded.filter((ref) => flags.get(ref)?.reconciliation == null && terminal.has(statusOf(ref)));
  // The payer approved amount + fee, and that is what the bank must have taken.
  const amountMismatches = [...debitsByRef.entries()].filter(([ref, list]) => {
    const view = seen.get(ref);
    return view !== undefined && list.some((t) => t.amount.amount !== view.amount.amount + (view.fee?.amount ?? 0));
  }).length;
  const reversed = transactions.filter((t) => ours.has(t.reference) && t.status === 'reversed').length;
  const failures = countBy(
    ids.filter((id) => statusOf(id) === 'failed'),
    (id) => seen.get(id)?.lastError?.code ?? flags.get(id)?.lastError ?? '?',
  );
  const totalSeconds = secondsSince(startedAt);

  const lines = [
    `results (${run}):`,
    `  intents                         ${total} requested, ${ids.length} created`,
    `  drop rate                       ${dropRate}`,
    `  terminal                        succeeded ${finalStatus['succeeded'] ?? 0}, failed ${finalStatus['failed'] ?? 0}, canceled ${finalStatus['canceled'] ?? 0}` +
      (Object.keys(failures).length > 0 ? `  (failed by reason ${JSON.stringify(failures)})` : ''),
    `  in reconciliation at the end    ${inReconciliation.length} (of them not terminal: ${nonTerminalInRecon.length})` +
      (inReconciliation.length > 0 ? `  ${JSON.stringify(countBy(inReconciliation, (id) => flags.get(id)?.reconciliation ?? '?'))}` : ''),
    `  ever queued for reconciliation  ${everReconciled.length}`,
    `  went through unknown            ${wentUnknown.length} (outcome resolved by status inquiry unless in reconciliation)`,
    `  left non-terminal               ${leftNonTerminal.length}` + (leftNonTerminal.length > 0 ? `  ${JSON.stringify(countBy(leftNonTerminal, statusOf))}` : ''),
    `  simulator debits (ours)         ${[...debitsByRef.values()].reduce((s, l) => s + l.length, 0)} for ${debitsByRef.size} references${reversed > 0 ? `, ${reversed} reversed` : ''}`,
    `  double debits                   ${doubleDebited.length} references (${extraDebits} extra debits)`,
    `  succeeded with exactly 1 debit  ${succeededWithOne} of ${succeeded.length}; succeeded without a debit ${succeededWithoutDebit.length}`,
    `  debits without a succeeded intent ${debitsWithoutSucceeded.length} (in reconciliation ${withoutSucceededInRecon.length}, intent still in flight ${withoutSucceededInFlight.length}, failed/canceled unflagged ${withoutSucceededUnexplained.length})`,
    `  debit amount ≠ amount + fee     ${amountMismatches}`,
    `  foreign debits (other stacks' commands) ${foreign}`,
    `  time                            total ${totalSeconds.toFixed(1)} s; intents created in ${createSeconds.toFixed(1)} s; ${pending.length === 0 ? 'all settled' : 'polling stopped by the time bound'} ${settleSeconds.toFixed(1)} s after the first create`,
    `  intents/s                       ${(ids.length / settleSeconds).toFixed(1)} (created → terminal or reconciliation)`,
  ];
  console.log(lines.join('\n'));

  const problems: string[] = [];
  if (ids.length < total) problems.push(`${total - ids.length} intents were not created`);
  if (leftNonTerminal.length > 0) problems.push(`${leftNonTerminal.length} intents left non-terminal and not in reconciliation`);
  if (doubleDebited.length > 0) problems.push(`${doubleDebited.length} references debited more than once`);
  if (succeededWithoutDebit.length > 0) problems.push(`${succeededWithoutDebit.length} succeeded intents without a debit at the bank`);
  if (withoutSucceededUnexplained.length > 0) problems.push(`${withoutSucceededUnexplained.length} debits for intents failed or canceled without a reconciliation flag`);
  if (amountMismatches > 0) problems.push(`${amountMismatches} debits for another amount than amount + fee`);
  if (problems.length > 0) {
    exitCode = 1;
    console.log(`FAIL: ${problems.join('; ')}`);
  } else {
    console.log('PASS: every intent terminal (or in reconciliation), 0 double debits, every succeeded intent backed by exactly one debit');
  }
} catch (error) {
  exitCode = error instanceof TimeUp ? 1 : 2;
  console.error(`FAIL: ${error instanceof Error ? error.message : String(error)}`);
  if (!(error instanceof TimeUp)) {
    for (const proc of stack.processes()) console.error(`--- ${proc.name} (last lines) ---\n${proc.tail()}`);
  }
} finally {
  await flagsDb?.end().catch(() => undefined);
  const problems = await stack.cleanup();
  rmSync(workDir, { recursive: true, force: true });
  for (const problem of problems) console.error(`cleanup: ${problem}`);
  console.log(`cleanup: ${stack.processes().length} processes stopped, databases ${names.billingDb}, ${names.paymentsDb}, ${names.adapterDb} dropped, topic ${names.resultsTopic} deleted`);
  clearTimeout(watchdog);
}
process.exitCode = exitCode;
