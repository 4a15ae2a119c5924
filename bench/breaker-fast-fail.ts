// Bench: how fast a debit command fails on an open circuit breaker. In process: the bank simulator
// serves real HTTP on a free port with its outage switched on, the adapter's gateway trips that
// channel's breaker against it, then N debit commands are handled one after another and timed:
//   - "gateway": the call alone (switch check, breaker check), what the breaker itself costs;
//   - "command": the whole command as the consumer runs it: inbox row, debit record as failed
//     channel_unavailable and the result in the outbox, in one Postgres transaction.
// Prints p50/p99/max for both. Needs the local Postgres (a throwaway database is created and dropped).
//
//   node bench/breaker-fast-fail.ts [--commands 2000]
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createEvent } from '@gateway/contracts';
import type { Money } from '@gateway/contracts';
import { createLogger, repoRoot } from '@gateway/kit';
// Straight from its file: the testkit's index also loads jest, which a plain node script does not have.
import { createTestDatabase } from '../packages/testkit/src/test-database.ts';
import { createChannelGateway } from '../services/bank-adapter/src/channels/channel-gateway.ts';
import { readChannelRegistry } from '../services/bank-adapter/src/config.ts';
import { createDebitFlows as createDebitProcessor } from '../services/bank-adapter/src/flows/debit-flows.ts';
import { buildSimulatorApp } from '../simulators/channel-simulator/src/app.ts';
import { readChannelsFile } from '../simulators/channel-simulator/src/config.ts';
import { createChannelState } from '../simulators/channel-simulator/src/store/channel-state.ts';

const { values } = parseArgs({ options: { commands: { type: 'string', default: '2000' } } });
const total = Number(values.commands);
if (!Number.isSafeInteger(total) || total < 10 || total > 1_000_000) throw new Error('--commands must be 10..1,000,000');

const logger = createLogger({ service: 'bench', level: 'silent' });
const channel = readChannelsFile(path.join(repoRoot, 'simulators/channel-simulator/config/channels.json')).find((c) => c.channelId === 'bank-alpha')!;
const state = createChannelState(channel);
state.updateControl({ outage: true });
const simulator = buildSimulatorApp(channel, state);
const url = await simulator.listen({ host: '127.0.0.1', port: 0 });

const base = readChannelRegistry(path.join(repoRoot, 'services/bank-adapter/config/channels.json'));
const bank = base.channels.find((c) => c.channelId === 'bank-alpha')!;
// The reset timeout outlasts the run, so the breaker stays open throughout.
const registry = { channels: [{ ...bank, baseUrl: url, breaker: { ...bank.breaker, volumeThreshold: 5, resetTimeoutMs: 3_600_000 } }] };
const db = await createTestDatabase({ migrationsDir: path.join(repoRoot, 'services/bank-adapter/migrations') });
const gateway = createChannelGateway({ registry, logger });
const processor = createDebitProcessor({ pool: db.pool, gateway, logger });

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
function report(name: string, latencies: number[]): void {
  const sorted = [...latencies].sort((a, b) => a - b);
  console.log(`  ${name.padEnd(8)} n=${sorted.length}  p50 ${pct(sorted, 50).toFixed(3)} ms  p99 ${pct(sorted, 99).toFixed(3)} ms  max ${sorted.at(-1)!.toFixed(3)} ms`);
}

try {
  // Trip the breaker: the outage answers 503 until the failure percentage over the volume opens it.
  let trips = 0;
  while (gateway.state('bank-alpha') !== 'open') {
    if (++trips > 100) throw new Error('the breaker did not open');
    await gateway.call('bank-alpha', 'inquiry', (connector, signal) => connector.inquire({ reference: `trip-${trips}`, channelRef: null }, signal));
  }
  const requestsBefore = trips;

  const gatewayLatencies: number[] = [];
  for (let i = 0; i < total; i++) {
    const started = performance.now();
    const outcome = await gateway.call('bank-alpha', 'debit', (connector, signal) =>
      connector.debit({ reference: `gw-${i}`, payer: { msisdn: null, accountNo: '1234567890123' }, amount: { amount: 1000, currency: 'SYP' } as Money, description: 'bench' }, signal),
    );
    gatewayLatencies.push(performance.now() - started);
    if (outcome.ok || !outcome.rejected) throw new Error('a call left the process while the breaker was open');
  }

  const commandLatencies: number[] = [];
  const now = Date.now();
  for (let i = 0; i < total; i++) {
    const intentId = `pi_bench_${now}_${i}`;
    const event = createEvent('channel.debit-requested', {
      producer: 'bench',
      key: intentId,
      correlationId: intentId,
      payload: {
        intentId,
        channelId: 'bank-alpha',
        reference: intentId,
        amount: { amount: 1000, currency: 'SYP' },
        payer: { msisdn: null, accountNo: '1234567890123' },
        billerId: 'telecom',
        accountNo: '0211234567',
        description: 'bench',
        requestedAt: new Date().toISOString(),
        expiresAt: new Date(Date.now() + 60_000).toISOString(),
      },
    });
    const started = performance.now();
    const outcome = await processor.debitRequested(event);
    commandLatencies.push(performance.now() - started);
    if (outcome !== 'failed: channel_unavailable') throw new Error(`unexpected outcome ${outcome}`);
  }

  console.log(`breaker fast-fail on an open breaker (bank-alpha in outage; ${requestsBefore} calls to open it; none after):`);
  report('gateway', gatewayLatencies);
  report('command', commandLatencies);
} finally {
  gateway.shutdown();
  await simulator.close();
  await db.drop();
}
