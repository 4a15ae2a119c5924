// Bench (issue 12): the gateway's throughput against the stack `npm start` brings up, in one run:
//   1. the Postgres ceiling for a payment-shaped transaction on this machine, measured here in a scratch
//      database this bench creates and drops (so the ratio in 4. holds on any machine);
//   2. bill presentation: --bills bills imported through billing's POST /v1/bill-batches, and the time
//      until every one is payable at payment orchestration (read as the count of the run's bills in
//      orchestration's read model, payable_bills, through Postgres as admin);
//   3. an open-loop load at rising rates: payments sent on a schedule, each latency measured from its
//      SCHEDULED send time (a slow server cannot hide its queue behind a slow client), every payment
//      followed to `bill.settled` on billing.bills by a Kafka consumer of this run's own group;
//   4. the highest rate held with payment → bill.settled p99 under one second, as a share of 1.
//
//   RATE_LIMIT_PER_MINUTE=1000000 npm start        (in another terminal; the default limit would 429 the load)
//   node bench/throughput.ts [--bills 100000] [--rates 250,500,1000,1500] [--step-seconds 60]
//        [--drain-seconds 30] [--max-in-flight 1000] [--ceiling-clients 16] [--ceiling-seconds 10]
//        [--max-payments 500000] [--max-seconds 1800]
//
// Bounded: loopback only; at most --max-payments payment requests and --max-seconds of run time, after
// which it stops by itself. It drops its scratch database and its Kafka consumer group; the accounts and
// bills it imports stay (each run uses its own external bill ids, batch ids and block of numbers, and
// pays each bill by id, so runs never pay one another's bills).
// Open loop: a timer releases every payment whose scheduled time has come, without waiting for earlier
// answers; above --max-in-flight outstanding requests a due payment is DROPPED and counted as such (the
// bench does not quietly wait, which would turn it back into a closed loop).
// A step whose payments have not all settled --drain-seconds after it ends stops the climb: higher
// rates would only measure the queue that step left behind.
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { databaseUrl } from '@gateway/kit';
import { adminUrl, createStack, kafkaBrokers, kafkaSasl, sleep, integerOptions } from './intents-stack.ts';
import { cpuPerPayment, cpuSnapshot } from './cpu-by-process.ts';
import { benchBill, keyOf, send } from './signed-client.ts';

const { values } = parseArgs({
  options: {
    bills: { type: 'string', default: '100000' },
    rates: { type: 'string', default: '250,500,1000,1500' },
    'step-seconds': { type: 'string', default: '60' },
    'drain-seconds': { type: 'string', default: '30' },
    'max-in-flight': { type: 'string', default: '1000' },
    'ceiling-clients': { type: 'string', default: '16' },
    'ceiling-seconds': { type: 'string', default: '10' },
    'import-batch': { type: 'string', default: '5000' },
    'max-payments': { type: 'string', default: '500000' },
    'max-seconds': { type: 'string', default: '1800' },
    billing: { type: 'string', default: 'http://127.0.0.1:3001' },
    orchestration: { type: 'string', default: 'http://127.0.0.1:3002' },
    // Orchestration's database on the admin server (infra/local/postgres.sh names it `payments`).
    'payments-db': { type: 'string', default: 'payments' },
  },
});

const integer = integerOptions(values);
const billCount = integer('bills', 1, 1_000_000);
const stepSeconds = integer('step-seconds', 1, 3600);
const drainSeconds = integer('drain-seconds', 0, 3600);
const maxInFlight = integer('max-in-flight', 1, 100_000);
const ceilingClients = integer('ceiling-clients', 1, 256);
const ceilingSeconds = integer('ceiling-seconds', 1, 600);
const importBatch = integer('import-batch', 1, 50_000);
const maxPayments = integer('max-payments', 1, 5_000_000);
const maxSeconds = integer('max-seconds', 10, 24 * 3600);
const rates = values.rates.split(',').map((r) => Number(r.trim()));
if (rates.length === 0 || rates.some((r) => !Number.isFinite(r) || r <= 0 || r > 20_000)) throw new Error('--rates must be a comma-separated list of rates in (0, 20000] per second');
for (const url of [values.billing, values.orchestration]) {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') throw new Error(`${url}: this bench sends to loopback only`);
}
const stepSizes = rates.map((r) => Math.round(r * stepSeconds));
const paymentsPlanned = stepSizes.reduce((a, b) => a + b, 0);
if (paymentsPlanned > maxPayments) throw new Error(`the rates and --step-seconds plan ${paymentsPlanned} payments, above --max-payments ${maxPayments}`);
// One bill per payment: the load pays the presentation's bills first, then bills imported for it alone.
const totalBills = Math.max(billCount, paymentsPlanned);
if (totalBills > 8_000_000) throw new Error('at most 8,000,000 bills (one block of Damascus numbers per run)');

// kafkajs schedules negative timeouts, which Node 24 warns about on every run; start.sh passes
// --disable-warning=TimeoutNegativeWarning to the services, a plain `node bench/throughput.ts` cannot.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name !== 'TimeoutNegativeWarning') console.warn(`${warning.name}: ${warning.message}`);
});

const runStarted = Date.now();
const deadline = runStarted + maxSeconds * 1000;
let stopReason: string | undefined;
const stopping = (): boolean => stopReason !== undefined || Date.now() > deadline;

// ---- clients
const biller = keyOf('telecom-billing');
const bank = keyOf('bank-alpha');

// ---- figures
/** Percentile of ascending `sorted`; Infinity stands for "never arrived" and sorts last. */
function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}
function ms(value: number): string {
  if (Number.isNaN(value)) return '-';
  if (value === Infinity) return 'unsettled';
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(0)} ms`;
}
const seconds = (fromMs: number) => ((performance.now() - fromMs) / 1000).toFixed(1);

const stack = createStack();
const run = randomBytes(3).toString('hex');
const admin = new pg.Client({ connectionString: databaseUrl(adminUrl, values['payments-db']), connectionTimeoutMillis: 5_000 });
const kafka = new Kafka({ clientId: `bench-throughput-${run}`, brokers: kafkaBrokers.split(','), logLevel: logLevel.NOTHING, ...(kafkaSasl ? { sasl: kafkaSasl } : {}) });
const groupId = `bench-throughput-${run}`;
const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 50 });
let consumerStarted = false;

let cleaned: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaned ??= (async () => {
    if (consumerStarted) await consumer.disconnect().catch(() => undefined);
    await admin.end().catch(() => undefined);
    for (const problem of await stack.cleanup()) console.error(`cleanup: ${problem}`);
  })();
  return cleaned;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    stopReason = `stopped by ${signal}`;
  });
}
// The last resort if a phase hangs past the bound: clean up, then leave.
const watchdog = setTimeout(() => {
  console.error(`--max-seconds ${maxSeconds} passed by a minute and the run did not stop; cleaning up and exiting`);
  void cleanup().finally(() => process.exit(2));
}, (maxSeconds + 60) * 1000);
watchdog.unref();

// ---- 1. the Postgres ceiling
async function measureCeiling(): Promise<number> {
  const url = await stack.database(`bench_throughput_${run}`);
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  try {
    // The shape of a payment's transaction (record-payment.flow.ts and kit's idempotency and outbox):
    // the idempotency row, the payment, the guarded bill update, two ledger rows and the outbox row,
    // with the same keys and indexes that make those writes cost what they cost.
    await setup.query(`
      CREATE TABLE idempotency_keys (client_id text, key text, request_hash text NOT NULL, status text NOT NULL,
        response_status int, response_body text, created_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (client_id, key));
      CREATE TABLE bills (bill_id text PRIMARY KEY, amount bigint NOT NULL, paid bigint NOT NULL DEFAULT 0);
      CREATE TABLE payments (payment_id text PRIMARY KEY, channel_id text NOT NULL, channel_txn_id text NOT NULL, bill_id text NOT NULL,
        amount bigint NOT NULL, paid_at timestamptz NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), UNIQUE (channel_id, channel_txn_id));
      CREATE TABLE ledger_entries (txn_id text, entry_no int, account text NOT NULL, amount bigint NOT NULL, currency char(3) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (txn_id, entry_no));
      CREATE TABLE outbox (id bigserial PRIMARY KEY, event_id uuid NOT NULL UNIQUE, topic text NOT NULL, key text NOT NULL, payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(), published_at timestamptz);
      CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL;
      INSERT INTO bills (bill_id, amount) SELECT 'bill_' || g, 1000000000000 FROM generate_series(0, 99999) g;
      ANALYZE;`);
  } finally {
    await setup.end();
  }
  let done = 0;
  let failed = 0;
  let next = 0;
  const until = performance.now() + ceilingSeconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: ceilingClients }, async (_, c) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        while (performance.now() < until && !stopping()) {
          const n = next++;
          const paymentId = `pay_${randomUUID()}`;
          const billId = `bill_${n % 100_000}`;
          const payload = JSON.stringify({ type: 'payment.completed', paymentId, billId, channelTxnId: `c${c}-${n}`, amount: { amount: 150_000, currency: 'SYP' }, allocations: [{ billId, amount: { amount: 150_000, currency: 'SYP' } }] });
          try {
            await client.query('BEGIN');
            await client.query(`INSERT INTO idempotency_keys (client_id, key, request_hash, status, response_status, response_body) VALUES ('bank-alpha', $1, $2, 'completed', 201, $3)`, [randomUUID(), paymentId, payload]);
            await client.query(`INSERT INTO payments (payment_id, channel_id, channel_txn_id, bill_id, amount, paid_at) VALUES ($1, 'bank-alpha', $2, $3, 150000, now())`, [paymentId, `c${c}-${n}`, billId]);
            const guard = await client.query(`UPDATE bills SET paid = paid + 150000 WHERE bill_id = $1 AND paid + 150000 <= amount`, [billId]);
            if (guard.rowCount !== 1) throw new Error('bill guard refused');
            await client.query(
              `INSERT INTO ledger_entries (txn_id, entry_no, account, amount, currency) VALUES ($1, 1, 'channel:bank-alpha:receivable', 150000, 'SYP'), ($1, 2, 'biller:telecom:payable', -150000, 'SYP')`,
              [paymentId],
            );
            await client.query(`INSERT INTO outbox (event_id, topic, key, payload) VALUES ($1, 'payments.payments', $2, $3)`, [randomUUID(), billId, payload]);
            await client.query('COMMIT');
            done++;
          } catch {
            failed++;
            await client.query('ROLLBACK').catch(() => undefined);
          }
        }
      } finally {
        await client.end();
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const tps = done / elapsed;
  console.log(`1. Postgres ceiling: ${tps.toFixed(0)} payment-shaped transactions/s (${done} in ${elapsed.toFixed(1)} s, ${ceilingClients} clients${failed ? `, ${failed} failed` : ''})`);
  return tps;
}

// ---- 2. bill presentation
// A run-specific block of Damascus numbers (011 + 7 digits), as bench/payments.ts does; the payments
// name their bill, so a number an earlier run also used is still paid on this run's bill.
const base = 1_000_000 + (randomBytes(4).readUInt32BE() % (9_000_000 - totalBills));
const accountOf = (i: number) => `011${String(base + i).padStart(7, '0')}`;
const billIds: string[] = new Array<string>(totalBills);

async function importBills(from: number, to: number): Promise<void> {
  for (let start = from; start < to && !stopping(); start += importBatch) {
    const end = Math.min(to, start + importBatch);
    const rows = [];
    for (let i = start; i < end; i++) {
      rows.push(benchBill(`tp-${run}-${i}`, accountOf(i), i));
    }
    const res = await send('POST', `${values.billing}/v1/bill-batches`, biller, { batchId: `tp-${run}-${start}`, bills: rows }, 300_000);
    const body = res.json as { acceptedCount?: number; accepted?: { index: number; billId: string }[] } | null;
    if (res.status !== 202 || body?.acceptedCount !== end - start) throw new Error(`bill import answered ${res.status}: ${JSON.stringify(res.json).slice(0, 500)}`);
    for (const a of body.accepted ?? []) billIds[start + a.index] = a.billId;
  }
}

/** How many of this run's bills orchestration's read model holds (payable_bills, read as admin). */
async function payableCount(from: number, to: number): Promise<number> {
  const { rows } = await admin.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM payable_bills WHERE biller_id = 'telecom' AND account_no BETWEEN $1 AND $2 AND external_bill_id LIKE $3`,
    [accountOf(from), accountOf(to - 1), `tp-${run}-%`],
  );
  return rows[0]?.n ?? 0;
}

async function waitPayable(from: number, to: number, started: number): Promise<number | undefined> {
  for (;;) {
    const n = await payableCount(from, to);
    if (n >= to - from) return (performance.now() - started) / 1000;
    if (stopping()) {
      console.log(`   stopped waiting: ${n} of ${to - from} payable after ${seconds(started)} s`);
      return undefined;
    }
    await sleep(250);
  }
}

async function presentBills(): Promise<boolean> {
  console.log(`2. bill presentation: importing ${billCount} bills through POST /v1/bill-batches (batches of ${importBatch})…`);
  const started = performance.now();
  await importBills(0, billCount);
  const imported = (performance.now() - started) / 1000;
  const payable = await waitPayable(0, billCount, started);
  if (payable === undefined) return false;
  console.log(
    `   imported in ${imported.toFixed(1)} s (${(billCount / imported).toFixed(0)} bills/s at billing); all ${billCount} payable at payment orchestration ${payable.toFixed(1)} s after the first batch was sent ` +
      `(${(billCount / payable).toFixed(0)} bills/s end to end; counted in orchestration's read model through Postgres as admin)`,
  );
  if (totalBills > billCount) {
    console.log(`   importing ${totalBills - billCount} more bills for the load (one per payment; not part of the figure above)…`);
    const more = performance.now();
    await importBills(billCount, totalBills);
    const extra = await waitPayable(billCount, totalBills, more);
    if (extra === undefined) return false;
    console.log(`   payable after ${extra.toFixed(1)} s`);
  }
  return true;
}

// ---- 3. the open-loop load
type Payment = { scheduled: number; status?: number; answered?: number; settled?: number };
const byBill = new Map<string, Payment>();

async function followSettlements(): Promise<void> {
  stack.kafkaNames({ groups: [groupId] });
  // The group starts at the topic's end: earlier bills' events are none of this run's business.
  await stack.startAtEnd([{ groupId, topic: 'billing.bills' }]);
  await consumer.connect();
  consumerStarted = true;
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.subscribe({ topic: 'billing.bills', fromBeginning: false });
  await consumer.run({
    // eslint-disable-next-line @typescript-eslint/require-await -- kafkajs wants a promise
    eachBatch: async ({ batch }) => {
      const now = performance.now();
      for (const message of batch.messages) {
        if (message.headers?.['event-type']?.toString() !== 'bill.settled' || !message.value) continue;
        const event = JSON.parse(message.value.toString()) as { payload?: { billId?: string } };
        const payment = event.payload?.billId === undefined ? undefined : byBill.get(event.payload.billId);
        if (payment !== undefined && payment.settled === undefined) payment.settled = now;
      }
    },
  });
  await Promise.race([joined, sleep(30_000).then(() => Promise.reject(new Error('the bill.settled consumer did not join its group in 30 s')))]);
}

type StepResult = { rate: number; held: boolean; drained: boolean; line: string };
let nextBill = 0;

async function loadStep(rate: number, count: number): Promise<StepResult> {
  const payments: Payment[] = [];
  const statuses = new Map<string, number>();
  let inFlight = 0;
  let dropped = 0;
  let sent = 0;
  // How late the sender itself released a payment, and its CPU: on a shared machine the client must
  // be shown not to be the limit.
  let maxLate = 0;
  const cpu = process.cpuUsage();
  const machineCpuBefore = cpuSnapshot();
  const interval = 1000 / rate;
  const started = performance.now();

  function fire(scheduled: number): void {
    const i = nextBill++;
    const billId = billIds[i];
    if (billId === undefined) throw new Error(`no bill ${i} (import incomplete)`);
    const payment: Payment = { scheduled };
    maxLate = Math.max(maxLate, performance.now() - scheduled);
    payments.push(payment);
    byBill.set(billId, payment);
    inFlight++;
    sent++;
    send(
      'POST',
      `${values.orchestration}/v1/payments`,
      bank,
      { channelTxnId: `tp-${run}-${i}`, billerId: 'telecom', accountNo: accountOf(i), billIds: [billId], amount: { amount: 150_000, currency: 'SYP' }, paidAt: new Date().toISOString() },
      30_000,
    ).then(
      (res) => {
        payment.status = res.status;
        payment.answered = performance.now();
        const code = res.status === 201 ? undefined : (res.json as { error?: { code?: string } } | null)?.error?.code;
        const name = code === undefined ? String(res.status) : `${res.status} ${code}`;
        statuses.set(name, (statuses.get(name) ?? 0) + 1);
      },
      (error: unknown) => {
        const name = error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'error';
        payment.answered = performance.now();
        statuses.set(name, (statuses.get(name) ?? 0) + 1);
      },
    ).finally(() => {
      inFlight--;
    });
  }

  // The schedule: payment k is due at started + k·interval. Each tick releases every due payment; the
  // tick itself is never awaited on an answer, so a slow server shows as latency, not as a slower client.
  let k = 0;
  while (k < count && !stopping()) {
    const now = performance.now();
    while (k < count && started + k * interval <= now) {
      if (inFlight >= maxInFlight) dropped++;
      else fire(started + k * interval);
      k++;
    }
    await sleep(Math.max(0, Math.min(5, started + k * interval - performance.now())));
  }
  const sendSeconds = (performance.now() - started) / 1000;
  const machineCpu = cpuPerPayment(machineCpuBefore, cpuSnapshot(), payments.filter((p) => p.status === 201).length);
  const cpuUsed = process.cpuUsage(cpu);
  const clientCpu = (cpuUsed.user + cpuUsed.system) / 1e6 / sendSeconds;
  const accepted = () => payments.filter((p) => p.status === 201);
  const lagAtEnd = [...byBill.values()].filter((p) => p.status === 201 && p.settled === undefined).length;
  const inFlightAtEnd = inFlight;

  // Let the step's answers and settlements arrive (bounded), so its figures cover all its payments.
  const drainUntil = performance.now() + drainSeconds * 1000;
  while (performance.now() < drainUntil && (inFlight > 0 || accepted().some((p) => p.settled === undefined)) && !stopping()) await sleep(100);
  const ok = accepted();
  const drained = inFlight === 0 && ok.every((p) => p.settled !== undefined);

  const api = payments.filter((p) => p.answered !== undefined).map((p) => (p.answered as number) - p.scheduled).sort((a, b) => a - b);
  const settle = ok.map((p) => (p.settled === undefined ? Infinity : p.settled - p.scheduled)).sort((a, b) => a - b);
  const achieved = ok.length / sendSeconds;
  const unsettled = ok.filter((p) => p.settled === undefined).length;
  const p99Settle = pct(settle, 99);
  const held = k === count && dropped === 0 && ok.length === count && achieved >= rate * 0.95 && p99Settle < 1000;
  const line = [
    `   ${String(rate).padStart(5)}/s for ${sendSeconds.toFixed(0)} s: ${sent} sent, ${dropped} dropped (in flight ≥ ${maxInFlight}), ${ok.length} accepted → ${achieved.toFixed(0)}/s; answers ${JSON.stringify(Object.fromEntries(statuses))}`,
    `          API p50 ${ms(pct(api, 50))} / p99 ${ms(pct(api, 99))} / max ${ms(api.at(-1) ?? NaN)}; payment → bill.settled p50 ${ms(pct(settle, 50))} / p99 ${ms(p99Settle)} / max ${ms(settle.at(-1) ?? NaN)}`,
    `          settlement lag at the end of the step: ${lagAtEnd} payments accepted, not yet settled (${inFlightAtEnd} requests still unanswered)` +
      `${unsettled > 0 ? `; ${unsettled} still unsettled ${drainSeconds} s later` : ''}${held ? '; HELD' : ''}`,
    `          (client: sends at most ${maxLate.toFixed(0)} ms behind schedule, ${(clientCpu * 100).toFixed(0)} % of one core)`,
    `          ${machineCpu}`,
  ].join('\n');
  console.log(line);
  return { rate, held, drained, line };
}

// ---- the run
const ready = await Promise.all(
  [values.billing, values.orchestration].map((url) => fetch(`${url}/readyz`, { signal: AbortSignal.timeout(3_000) }).then((r) => r.ok, () => false)),
);
if (ready.includes(false)) {
  console.error(`billing (${values.billing}) or payment orchestration (${values.orchestration}) is not ready. Start the stack first:\n  RATE_LIMIT_PER_MINUTE=1000000 npm start`);
  process.exit(1);
}
console.log(
  [
    `throughput bench ${run}: ${billCount} bills to present, rates ${rates.join(', ')}/s for ${stepSeconds} s each (${paymentsPlanned} payments at most), bound ${maxSeconds} s`,
    `(the stack must run with RATE_LIMIT_PER_MINUTE=1000000 npm start, or the rate limit answers most of the load with 429)`,
  ].join('\n'),
);

try {
  await admin.connect();
  const ceiling = await measureCeiling();
  if (await presentBills()) {
    await followSettlements();
    console.log(`3. open-loop load (latency from the scheduled send time; max ${maxInFlight} requests in flight, beyond that a payment is dropped):`);
    const results: StepResult[] = [];
    for (const [index, rate] of rates.entries()) {
      if (stopping()) break;
      const result = await loadStep(rate, stepSizes[index] as number);
      results.push(result);
      if (!result.drained && index < rates.length - 1) {
        console.log(`   stopping the climb: this step's payments had not all settled ${drainSeconds} s after it; a higher rate would measure its backlog`);
        break;
      }
    }
    const best = results.filter((r) => r.held).reduce<StepResult | undefined>((a, r) => (a === undefined || r.rate > a.rate ? r : a), undefined);
    console.log(
      best === undefined
        ? `4. no rate was held with payment → bill.settled p99 under 1 s (ceiling ${ceiling.toFixed(0)} transactions/s)`
        : `4. highest rate held with payment → bill.settled p99 under 1 s: ${best.rate}/s, ${((best.rate / ceiling) * 100).toFixed(1)} % of the Postgres ceiling of ${ceiling.toFixed(0)}/s`,
    );
  }
  if (stopReason !== undefined || Date.now() > deadline) console.log(`run cut short: ${stopReason ?? `--max-seconds ${maxSeconds}`}`);
} finally {
  await cleanup();
  clearTimeout(watchdog);
}
