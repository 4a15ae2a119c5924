import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { KafkaSasl } from '@gateway/kit';
import { repoRoot } from './infra.ts';

const run = promisify(execFile);

export interface PrivateKafka {
  /** `127.0.0.1:<port>` of this broker alone. */
  brokers: string[];
  /** Its super user (kafka.sh makes the same admin user on every broker it formats). */
  sasl: KafkaSasl;
  /** Starts (or restarts) the broker; resolves when it is ready. */
  up(): Promise<void>;
  /** Stops the broker cleanly, as an outage would look to clients. */
  down(): Promise<void>;
  /** Stops it and deletes its data. */
  destroy(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * A second, throw-away Kafka broker, started by the project's own infra/local/kafka.sh on free ports
 * with its own data folder (the script supports this through INFRA_DATA_DIR and the port
 * variables). For tests that stop and start a broker: doing that to the shared one would break every
 * other test file running in parallel. Same jars, same config template: a real broker, not a fake.
 */
export async function startPrivateKafka(options: { started?: boolean } = {}): Promise<PrivateKafka> {
  const script = join(repoRoot, 'infra/local/kafka.sh');
  const sharedData = process.env['INFRA_DATA_DIR'] || join(repoRoot, '.data');
  const libs = join(sharedData, 'kafka/libs');
  if (!existsSync(libs)) throw new Error(`no Kafka jars in ${libs}: run infra/local/install.sh`);
  const dataDir = mkdtempSync(join(tmpdir(), 'gateway-kafka-'));
  mkdirSync(join(dataDir, 'kafka'), { recursive: true });
  symlinkSync(libs, join(dataDir, 'kafka/libs'));
  const [port, controllerPort] = [await freePort(), await freePort()];
  const env = {
    ...process.env,
    INFRA_DATA_DIR: dataDir,
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(controllerPort),
    KAFKA_HEAP_OPTS: '-Xms128m -Xmx384m',
  };
  const kafkaSh = async (action: 'up' | 'down') => {
    try {
      await run('bash', [script, action], { cwd: repoRoot, env, timeout: 180_000 });
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`kafka.sh ${action} (private broker on ${port}) failed: ${e.stderr || e.message}`);
    }
  };
  const broker: PrivateKafka = {
    brokers: [`127.0.0.1:${port}`],
    sasl: { mechanism: 'scram-sha-512', username: process.env['KAFKA_ADMIN_USERNAME'] || 'admin', password: process.env['KAFKA_ADMIN_PASSWORD'] || 'admin-local' },
    up: () => kafkaSh('up'),
    down: () => kafkaSh('down'),
    async destroy() {
      await kafkaSh('down').catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  // started: false hands the broker over unstarted, for a test that starts it beside something else.
  if (options.started === false) return broker;
  try {
    await broker.up();
  } catch (err) {
    await broker.destroy();
    throw err;
  }
  return broker;
}
