// Bench: the adoption screen's query (GET /v1/adoption, flows/get-adoption.flow.ts) over a national
// cycle. Seeds a fresh database in SQL with two cycles of --bills bills each (November and December
// 2026, one bill per line per cycle, lines spread over the governorates, classes and four channels,
// 60% paid, 10% paid in part, 10% paid and reversed, 1 line in 500 a public entity's), then times the
// flow on December and, beside it, the ceiling: a plain count(*) of the same cycle's bills joined to
// their accounts, the least any answer over those rows costs. Prints p50 and max of --runs runs.
//
//   node bench/adoption.ts [--bills 100000] [--runs 10] [--keep]
//
// Needs DATABASE_ADMIN_URL (a role that may CREATE DATABASE); the local default otherwise.
import { parseArgs } from 'node:util';
import { createLogger, createPool, databaseUrl, dropDatabases, ensureDatabase, runMigrations } from '@gateway/kit';
import { getAdoption } from '../services/billing/src/flows/get-adoption.flow.ts';

const { values } = parseArgs({
  options: {
    bills: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '10' },
    keep: { type: 'boolean', default: false },
  },
});
const total = Number(values.bills);
const runs = Number(values.runs);
if (!Number.isSafeInteger(total) || total < 1 || total > 9_999_999) throw new Error('--bills must be 1..9,999,999');
if (!Number.isSafeInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');

const adminUrl = process.env['DATABASE_ADMIN_URL'] || 'postgres://gateway:gateway@127.0.0.1:5432/postgres';
const name = `bench_adoption_${Date.now().toString(36)}`;
const logger = createLogger({ service: 'bench-adoption', level: 'warn' });

// One line per area code billing knows, in turn; the governorate is what the import would derive.
const seed = `
  INSERT INTO entities (entity_id, name) SELECT 'ent-' || g, 'Ministry ' || g FROM generate_series(0, 49) g;

  INSERT INTO accounts (account_no, holder_name, holder_class, entity_id, governorate)
  SELECT (ARRAY['011','012','014','015','016','021','022','023','031','033','041','043','051','052'])[i % 14 + 1] || lpad(i::text, 7, '0'),
         'Subscriber ' || i,
         CASE WHEN i % 500 = 0 THEN 'public_entity' WHEN i % 7 = 0 THEN 'business' ELSE 'individual' END,
         CASE WHEN i % 500 = 0 THEN 'ent-' || (i / 500) % 50 END,
         (ARRAY['damascus','rif_dimashq','quneitra','daraa','suwayda','aleppo','raqqa','idlib','homs','hama','latakia','tartus','deir_ez_zor','hasakah'])[i % 14 + 1]
  FROM generate_series(1, $1::int) i;

  INSERT INTO bills (bill_id, external_bill_id, account_no, biller_id, period_from, period_to, issue_date, due_date, amount, currency, status, paid_amount)
  SELECT 'bil_' || c.m || '_' || i, 'ext-' || c.m || '-' || i, a.account_no, 'telecom', c.issued - interval '1 month', c.issued - interval '1 day',
         c.issued + (i % 5), c.issued + 27, 500000 + (i * 7919) % 5000000, 'SYP',
         CASE WHEN i % 10 < 6 THEN 'paid' WHEN i % 10 = 6 THEN 'partially_paid' ELSE 'open' END,
         CASE WHEN i % 10 < 6 THEN 500000 + (i * 7919) % 5000000 WHEN i % 10 = 6 THEN 100000 ELSE 0 END
  FROM generate_series(1, $1::int) i
  JOIN LATERAL (SELECT (ARRAY['011','012','014','015','016','021','022','023','031','033','041','043','051','052'])[i % 14 + 1] || lpad(i::text, 7, '0') AS account_no) a ON true
  CROSS JOIN (VALUES ('2026-11', date '2026-11-01'), ('2026-12', date '2026-12-01')) c(m, issued);

  INSERT INTO bill_payments (payment_id, bill_id, kind, amount, applied_amount, currency, event_id, reversal_id, occurred_at, channel_id)
  SELECT 'pay_' || b.bill_id, b.bill_id, 'payment', b.amount, CASE WHEN b.status = 'partially_paid' THEN 100000 ELSE b.amount END, 'SYP',
         gen_random_uuid(), NULL, b.issue_date + interval '1 day' + (hashtext(b.bill_id) & 1023) * interval '20 minutes',
         (ARRAY['bank-alpha','bank-beta','wallet-gamma','wallet-delta'])[(hashtext(b.bill_id) & 3) + 1]
  FROM bills b
  WHERE b.status IN ('paid', 'partially_paid') OR right(b.bill_id, 1) = '7';

  -- The payments of bills ending in 7 (open) were reversed.
  INSERT INTO bill_payments (payment_id, bill_id, kind, amount, applied_amount, currency, event_id, reversal_id, occurred_at, channel_id)
  SELECT payment_id, bill_id, 'reversal', amount, applied_amount, currency, gen_random_uuid(), 'rev_' || bill_id, occurred_at + interval '1 hour', channel_id
  FROM bill_payments WHERE kind = 'payment' AND right(bill_id, 1) = '7';
`;

function p50(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

async function timed(fn: () => Promise<unknown>): Promise<number[]> {
  await fn(); // warm-up: plans and caches
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return samples;
}

await ensureDatabase(adminUrl, name);
const url = databaseUrl(adminUrl, name);
const pool = createPool({ connectionString: url, max: 2, applicationName: 'bench-adoption', statementTimeoutMs: 600_000 });
try {
  await runMigrations({ databaseUrl: url, dir: new URL('../services/billing/migrations', import.meta.url).pathname, logger });
  const seeding = Date.now();
  const client = await pool.connect();
  try {
    for (const statement of seed.split(';').filter((s) => s.trim() !== '' && !/^\s*(--[^\n]*\n\s*)*$/.test(s))) {
      await client.query(statement, statement.includes('$1') ? [total] : []);
    }
    await client.query('VACUUM ANALYZE');
  } finally {
    client.release();
  }
  const { rows } = await pool.query<{ bills: number; payments: number }>(
    'SELECT (SELECT count(*) FROM bills)::int AS bills, (SELECT count(*) FROM bill_payments)::int AS payments',
  );
  console.log(`seeded ${rows[0]?.bills} bills (two cycles), ${rows[0]?.payments} payment rows in ${((Date.now() - seeding) / 1000).toFixed(1)} s`);

  const now = () => new Date('2026-12-20T09:00:00Z');
  let answer: Awaited<ReturnType<typeof getAdoption>> | undefined;
  const adoption = await timed(async () => {
    answer = await getAdoption({ pool, now }, { cycle: '2026-12' });
  });
  const ceiling = await timed(() =>
    pool.query(
      `SELECT count(*) FROM bills b JOIN accounts a ON a.account_no = b.account_no WHERE b.issue_date >= '2026-12-01' AND b.issue_date < '2027-01-01'`,
    ),
  );
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  console.log(
    [
      `adoption bench: cycle 2026-12 of ${answer?.totals.billsIssued} bills, ${answer?.totals.billsPaidViaGateway} paid through the gateway (share ${answer?.totals.share?.toFixed(3)}), ${runs} runs`,
      `  GET /v1/adoption's flow: p50 ${ms(p50(adoption))}, max ${ms(Math.max(...adoption))}`,
      `  ceiling, count(*) of the cycle's bills joined to their accounts: p50 ${ms(p50(ceiling))}, max ${ms(Math.max(...ceiling))}`,
      `  the flow costs ${(p50(adoption) / p50(ceiling)).toFixed(1)}x the ceiling`,
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
