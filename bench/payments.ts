// Bench: signs and sends N payment notifications at a given concurrency against the running stack
// (`npm start`) and prints payments/s and the API's p50/p99. The bills it pays are real: imported
// through billing's POST /v1/bill-batches, carried to payment orchestration's read model by
// `bill.issued` over Kafka, then paid one each by the demo bank channel.
//
//   node bench/payments.ts [--payments 2000] [--concurrency 20] [--max-seconds 300]
//
// Start the stack with a rate limit above the bench's rate, e.g.
//   RATE_LIMIT_PER_MINUTE=1000000 npm start
// (the default limit protects the API from one client and would turn most of the bench into 429s).
// Traffic goes to 127.0.0.1 only; the run stops by itself at --max-seconds.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { benchBill, keyOf, send } from './signed-client.ts';

const { values } = parseArgs({
  options: {
    payments: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '20' },
    'max-seconds': { type: 'string', default: '300' },
    billing: { type: 'string', default: 'http://127.0.0.1:3001' },
    orchestration: { type: 'string', default: 'http://127.0.0.1:3002' },
  },
});
const total = Number(values.payments);
const concurrency = Number(values.concurrency);
const deadline = Date.now() + Number(values['max-seconds']) * 1000;
if (!Number.isSafeInteger(total) || total < 1 || total > 1_000_000) throw new Error('--payments must be 1..1,000,000');
if (!Number.isSafeInteger(concurrency) || concurrency < 1 || concurrency > 1000) throw new Error('--concurrency must be 1..1000');

const biller = keyOf('telecom-billing');
const bank = keyOf('bank-alpha');

// A run-specific block of Damascus numbers (011 + 7 digits), so reruns never collide with old bills.
const base = 1_000_000 + (randomBytes(4).readUInt32BE() % 8_000_000);
const run = randomBytes(3).toString('hex');
const accountOf = (i: number) => `011${String(base + i).padStart(7, '0')}`;

console.log(`importing ${total} bills through billing…`);
for (let start = 0; start < total; start += 5_000) {
  const rows = [];
  for (let i = start; i < Math.min(total, start + 5_000); i++) {
    rows.push(benchBill(`bench-${run}-${i}`, accountOf(i), i));
  }
  const res = await send('POST', `${values.billing}/v1/bill-batches`, biller, { batchId: `bench-${run}-${start}`, bills: rows });
  if (res.status !== 202) throw new Error(`bill import answered ${res.status}: ${JSON.stringify(res.json)}`);
}

// The read model is fed asynchronously, and in order only per account (per partition): wait until
// every bill is visible to the bank, as a bank's own inquiry would before it pays.
type Inquiry = { bills?: { billId: string }[] };
async function visible(i: number): Promise<boolean> {
  const res = await send('GET', `${values.orchestration}/v1/bills?billerId=telecom&accountNo=${accountOf(i)}`, bank);
  return res.status === 200 && ((res.json as Inquiry).bills?.length ?? 0) > 0;
}
console.log('waiting for payment orchestration to see them…');
let checked = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (checked < total) {
      const i = checked++;
      while (!(await visible(i))) {
        if (Date.now() > deadline) throw new Error('bills did not reach payment orchestration in time');
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }),
);

const latencies: number[] = [];
const statuses = new Map<number, number>();
let next = 0;
const started = performance.now();
async function worker(): Promise<void> {
  while (next < total && Date.now() < deadline) {
    const i = next++;
    const t0 = performance.now();
    const res = await send('POST', `${values.orchestration}/v1/payments`, bank, {
      channelTxnId: `bench-${run}-${i}`,
      billerId: 'telecom',
      accountNo: accountOf(i),
      amount: { amount: 150_000, currency: 'SYP' },
      paidAt: new Date().toISOString(),
    });
    latencies.push(performance.now() - t0);
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  }
}
await Promise.all(Array.from({ length: concurrency }, () => worker()));
const seconds = (performance.now() - started) / 1000;

latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
const created = statuses.get(201) ?? 0;
console.log(
  [
    `payments bench: ${latencies.length} requests at concurrency ${concurrency} in ${seconds.toFixed(1)} s`,
    `  ${(created / seconds).toFixed(0)} payments/s (201s only); statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    `  latency p50 ${pct(50).toFixed(1)} ms, p99 ${pct(99).toFixed(1)} ms, max ${(latencies.at(-1) ?? NaN).toFixed(1)} ms`,
  ].join('\n'),
);
if (created !== total) process.exitCode = 1;
