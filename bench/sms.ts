// Bench: how many SMS a second the notification service sustains to an SMSC with the throttle off.
// The SMSC simulator runs as its own process (as the real SMSC is another machine); this process runs
// the service's real sending path: the dispatcher claiming from Postgres, splitting, submitting over
// SMPP through the client's window, recording each submit with its outbox row, and handling every
// delivery receipt (stored, applied, outbox row) as it comes back. The records go by group commit
// (services/notification/src/flows/group-commit.ts): the run prints how many transactions recorded
// the submits (one submitted_at each), the figure that says whether batching is working.
//
//   node bench/sms.ts [--messages 20000] [--window 10] [--concurrency 20] [--max-seconds 300]
//
// Half the messages are Arabic (UCS-2) and half English (GSM 7-bit), all single-part, as receipts are.
// Prints messages/s until all are with the SMSC, and until all their receipts are applied.
// Traffic stays on 127.0.0.1; the run stops by itself at --max-seconds.
import { parseArgs } from 'node:util';
import { createLogger, createPool, databaseUrl, dropDatabases, ensureDatabase, runMigrations } from '@gateway/kit';
import { freePort, startServiceProcess } from '@gateway/testkit/processes';
import { Registry } from 'prom-client';
import { createSmsDispatcher } from '../services/notification/src/jobs/sms-dispatch.runner.ts';
import { createSmscInboundHandler } from '../services/notification/src/smpp/smsc-inbound.ts';
import { createSmscClient } from '../services/notification/src/smpp/smsc-client.ts';
import { enqueueSms } from '../services/notification/src/store/pg-message-store.ts';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '20000' },
    window: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '20' },
    'max-seconds': { type: 'string', default: '300' },
  },
});
const total = Number(values.messages);
const window = Number(values.window);
const concurrency = Number(values.concurrency);
const deadline = Date.now() + Number(values['max-seconds']) * 1000;
if (!Number.isSafeInteger(total) || total < 1 || total > 1_000_000) throw new Error('--messages must be 1..1,000,000');
if (!Number.isSafeInteger(window) || window < 1 || window > 100) throw new Error('--window must be 1..100');
if (!Number.isSafeInteger(concurrency) || concurrency < 1 || concurrency > 1000) throw new Error('--concurrency must be 1..1000');

const adminUrl = process.env['DATABASE_ADMIN_URL'] || 'postgres://gateway:gateway@127.0.0.1:5432/postgres';
const name = `bench_sms_${Date.now().toString(36)}`;
const logger = createLogger({ service: 'bench-sms', level: 'warn' });
const password = 'bench-secret';

await ensureDatabase(adminUrl, name);
const url = databaseUrl(adminUrl, name);
const pool = createPool({ connectionString: url, max: 10, applicationName: 'bench-sms' });
const smppPort = await freePort();
const simulator = await startServiceProcess(new URL('../simulators/smsc-simulator/src/main.ts', import.meta.url), {
  PATH: process.env['PATH'],
  SIMULATOR_HOST: '127.0.0.1',
  SMPP_PORT: String(smppPort),
  SMSC_PASSWORD: password,
  DELIVERY_DELAY_MS: '0',
  LOG_LEVEL: 'warn',
});

const registry = new Registry();
const smsc = createSmscClient({
  host: '127.0.0.1',
  port: smppPort,
  systemId: 'bench',
  password,
  window,
  ratePerSecond: 0,
  enquireLinkMs: 30_000,
  responseTimeoutMs: 10_000,
  reconnect: { initialMs: 100, maxMs: 1_000 },
  logger,
  registry,
  onDeliverSm: createSmscInboundHandler({ pool, logger, registry }),
});
const dispatcher = createSmsDispatcher({ pool, smsc, logger, registry, sender: 'SyTelecom', quietHours: null, concurrency, pollMs: 50, leaseMs: 120_000, maxAttempts: 5 });

async function counts(): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ state: string; n: number }>('SELECT state, count(*)::int AS n FROM sms_messages GROUP BY state');
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

try {
  await runMigrations({ databaseUrl: url, dir: new URL('../services/notification/migrations', import.meta.url).pathname, logger });
  const now = new Date();
  for (let start = 0; start < total; start += 5_000) {
    const batch = Array.from({ length: Math.min(5_000, total - start) }, (_, k) => {
      const i = start + k;
      const arabic = i % 2 === 0;
      return {
        dedupeKey: `bench:${i}`,
        recipient: `+963944${String(i).padStart(6, '0')}`,
        template: 'payment_receipt' as const,
        locale: arabic ? ('ar' as const) : ('en' as const),
        accountNo: '0112345678',
        sourceEventId: null,
        body: arabic ? `استلمنا دفعتك رقم ${i} بمبلغ ١٥٠٬٠٠٠ ل.س. شكراً لك.` : `Payment ${i} received: SYP 1,500.00. Thank you.`,
        urgent: true,
        notBefore: now,
        correlationId: null,
      };
    });
    await enqueueSms(pool, batch);
  }
  smsc.start();
  if (!(await smsc.whenBound(10_000))) throw new Error('could not bind to the simulator');

  console.log(`sending ${total} messages (window ${window}, ${concurrency} in flight, throttle off)…`);
  const started = performance.now();
  dispatcher.start();
  let submittedAt: number | null = null;
  let last = 0;
  for (;;) {
    const c = await counts();
    const sent = total - (c['queued'] ?? 0);
    const delivered = c['delivered'] ?? 0;
    if (submittedAt === null && sent === total) submittedAt = performance.now();
    if (delivered === total || Date.now() > deadline) break;
    if (performance.now() - last > 5_000) {
      last = performance.now();
      console.log(`  ${((last - started) / 1000).toFixed(0)} s: ${sent} with the SMSC, ${delivered} delivered`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const doneAt = performance.now();
  await dispatcher.stop();
  const c = await counts();
  const stats = (await (await fetch(`${simulator.baseUrl}/stats`)).json()) as Record<string, number>;
  const records = (await pool.query<{ n: number }>('SELECT count(DISTINCT submitted_at)::int AS n FROM sms_messages')).rows[0]?.n ?? 0;
  const seconds = (at: number | null) => (at === null ? NaN : (at - started) / 1000);
  console.log(
    [
      `sms bench: ${total} messages, window ${window}, ${concurrency} in flight, throttle off`,
      `  with the SMSC: ${total - (c['queued'] ?? 0)} in ${seconds(submittedAt).toFixed(1)} s = ${(total / seconds(submittedAt)).toFixed(0)} messages/s`,
      `  delivered (receipt applied): ${c['delivered'] ?? 0} in ${seconds(doneAt).toFixed(1)} s = ${((c['delivered'] ?? 0) / seconds(doneAt)).toFixed(0)} messages/s`,
      `  submits recorded in ${records} transactions (${(total / Math.max(1, records)).toFixed(1)} messages each)`,
      `  SMSC: ${stats['accepted']} accepted, ${stats['duplicatesAnswered']} duplicates answered, ${stats['throttled']} throttled, peak ${stats['peakSubmitsPerSecond']} submits/s`,
      `  states: ${JSON.stringify(c)}`,
    ].join('\n'),
  );
} finally {
  await smsc.stop();
  await simulator.stop();
  await pool.end();
  await dropDatabases(adminUrl, [name]);
}
