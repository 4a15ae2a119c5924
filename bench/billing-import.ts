// Bench: imports a generated billing cycle through billing's own import path (the function behind
// POST /v1/bill-batches and the CSV command) into a fresh database, and prints bills/s and peak memory.
//
//   node bench/billing-import.ts [--bills 1000000] [--chunk 1000] [--max-seconds 900] [--keep]
//
// The cycle is generated row by row as it is consumed, never held whole, so the memory figure is
// the importer's own. Every row creates its account (a cycle's first import), one line in 500
// belongs to a public entity, and every bill gets its bill.issued outbox row: the full write path.
// --max-seconds bounds the run: past it no more rows are fed, and the figures cover what was done.
// Needs DATABASE_ADMIN_URL (a role that may CREATE DATABASE); the local default otherwise.
import { parseArgs } from 'node:util';
import { createLogger, createPool, databaseUrl, dropDatabases, ensureDatabase, runMigrations } from '@gateway/kit';
import { defaultLateFeePolicy } from '../services/billing/src/domain/late-fee-policy.ts';
import { importBillBatch } from '../services/billing/src/flows/import-bill-batch.flow.ts';

const { values } = parseArgs({
  options: {
    bills: { type: 'string', default: '1000000' },
    chunk: { type: 'string', default: '1000' },
    'max-seconds': { type: 'string', default: '900' },
    keep: { type: 'boolean', default: false },
  },
});
const total = Number(values.bills);
const chunkSize = Number(values.chunk);
const maxSeconds = Number(values['max-seconds']);
if (!Number.isSafeInteger(total) || total < 1 || total > 10_000_000) throw new Error('--bills must be 1..10,000,000 (the Damascus number range)');
if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) throw new Error('--chunk must be a positive integer');

const adminUrl = process.env['DATABASE_ADMIN_URL'] || 'postgres://gateway:gateway@127.0.0.1:5432/postgres';
const name = `bench_billing_${Date.now().toString(36)}`;
const logger = createLogger({ service: 'bench-billing-import', level: 'warn' });

// One row of the telecom's export: distinct Damascus lines, amounts between 5,000.00 and 55,000.00 SYP.
function row(i: number): Record<string, unknown> {
  const accountNo = `011${String(i).padStart(7, '0')}`;
  const publicEntity = i % 500 === 0;
  return {
    externalBillId: `2026-01-${String(i).padStart(8, '0')}`,
    accountNo,
    period: { from: '2026-01-01', to: '2026-01-31' },
    issueDate: '2026-02-01',
    dueDate: '2026-02-28',
    amount: { amount: 500_000 + ((i * 7919) % 5_000_000), currency: 'SYP' },
    lines: [
      { code: 'RENT', description: 'Monthly line rental', amount: { amount: 300_000, currency: 'SYP' } },
      { code: 'CALLS', description: 'Local and national calls', amount: { amount: 200_000 + ((i * 7919) % 5_000_000), currency: 'SYP' } },
    ],
    holder: publicEntity
      ? { name: `Ministry line ${i}`, class: 'public_entity', msisdn: '+963944123456', entityId: `ent-${i % 50}` }
      : { name: `Subscriber ${i}`, class: i % 7 === 0 ? 'business' : 'individual', msisdn: `+96394${String(i % 10_000_000).padStart(7, '0')}` },
  };
}

let fed = 0;
let stoppedEarly = false;
const deadline = Date.now() + maxSeconds * 1000;
function* cycle(): Generator<Record<string, unknown>> {
  for (let i = 0; i < total; i++) {
    if (i % 1000 === 0 && Date.now() > deadline) {
      stoppedEarly = true;
      return;
    }
    fed = i + 1;
    yield row(i);
  }
}

const peak = { rss: 0, heapUsed: 0 };
const sample = () => {
  const m = process.memoryUsage();
  peak.rss = Math.max(peak.rss, m.rss);
  peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
};
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

await ensureDatabase(adminUrl, name);
const url = databaseUrl(adminUrl, name);
const pool = createPool({ connectionString: url, max: 4, applicationName: 'bench-billing-import', statementTimeoutMs: 120_000 });
try {
  await runMigrations({ databaseUrl: url, dir: new URL('../services/billing/migrations', import.meta.url).pathname, logger });
  sample();
  const baseline = { ...peak };
  const sampler = setInterval(sample, 100);
  const started = process.hrtime.bigint();
  let lastReport = Date.now();
  const result = await importBillBatch(
    { pool, policy: defaultLateFeePolicy },
    {
      batchId: `bench-${name}`,
      rows: cycle(),
      correlationId: `bench-${name}`,
      chunkSize,
      collectAccepted: false,
      onChunk(progress) {
        if (Date.now() - lastReport < 10_000) return;
        lastReport = Date.now();
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        console.log(`  ${progress.rows} rows, ${(progress.rows / seconds).toFixed(0)} bills/s, rss ${mb(process.memoryUsage().rss)}`);
      },
    },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  sample();
  if (result.kind === 'in_progress') throw new Error('the batch was locked by another run');
  const { rows: counts } = await pool.query<{ bills: number; outbox: number }>(
    'SELECT (SELECT count(*) FROM bills)::int AS bills, (SELECT count(*) FROM outbox)::int AS outbox',
  );
  console.log(
    [
      `billing import bench: ${fed} rows fed${stoppedEarly ? ` (stopped at --max-seconds ${maxSeconds} of ${total})` : ''}, chunk ${chunkSize}`,
      `  accepted ${result.response.acceptedCount}, rejected ${result.response.rejectedCount}; stored ${counts[0]?.bills} bills, ${counts[0]?.outbox} outbox rows`,
      `  ${seconds.toFixed(1)} s, ${(fed / seconds).toFixed(0)} bills/s`,
      `  peak rss ${mb(peak.rss)} (start ${mb(baseline.rss)}), peak heapUsed ${mb(peak.heapUsed)} (start ${mb(baseline.heapUsed)})`,
    ].join('\n'),
  );
} finally {
  await pool.end();
  if (!values.keep) {
    await dropDatabases(adminUrl, [name]);
  } else {
    console.log(`kept database ${name}`);
  }
}
