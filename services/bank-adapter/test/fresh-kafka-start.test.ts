// The first `npm start` on a fresh machine: the broker has just been formatted and started, and is
// still creating its internal topics (__consumer_offsets) when the bank adapter connects. The adapter
// used to give up at once ("This server does not host this topic-partition"); it must wait for Kafka
// to be ready (bounded, with backoff, each wait logged) and start. A private broker, because
// formatting the shared one would wipe every other test file's topics.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, serviceEnv, startPrivateKafka, startServiceProcess, uniqueName } from '@gateway/testkit';
import type { PrivateKafka, ServiceProcess, TestDatabase } from '@gateway/testkit';

let broker: PrivateKafka | undefined;
let db: TestDatabase | undefined;
let proc: ServiceProcess | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
}, 60_000);

afterAll(async () => {
  if (proc && proc.child.exitCode === null) proc.child.kill('SIGKILL');
  await broker?.destroy();
  await db?.drop();
}, 120_000);

describe('bank adapter on a broker that has only just been formatted', () => {
  it('waits for the new broker to be ready and starts, the first time', async () => {
    // The service starts before the broker, as on the first `npm start` where they come up together:
    // first no broker at all, then one that answers but is still creating its internal topics. The
    // broker is started once the service has said it is waiting for it.
    broker = await startPrivateKafka({ started: false });
    let brokerUp: Promise<void> | undefined;
    const started = startServiceProcess(
      new URL('../src/main.ts', import.meta.url),
      serviceEnv({
        DATABASE_URL: db!.url,
        KAFKA_BROKERS: broker.brokers.join(','),
        KAFKA_SASL_USERNAME: broker.sasl.username,
        KAFKA_SASL_PASSWORD: broker.sasl.password,
        COMMANDS_TOPIC: uniqueName('fresh-commands'),
        COMMANDS_GROUP_ID: uniqueName('fresh-bank-adapter'),
        RESULTS_TOPIC: uniqueName('fresh-results'),
        LOG_LEVEL: 'info',
      }),
      150_000,
      (output) => {
        if (brokerUp !== undefined || !output.includes('kafka not ready yet; waiting')) return;
        brokerUp = broker!.up();
        brokerUp.catch(() => undefined); // awaited below; this only keeps an early failure from being unhandled
      },
    );
    proc = await started;
    await brokerUp;
    const ready = await fetch(`${proc.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { kafka: { status: 'up' } } });
    expect(proc.child.exitCode).toBeNull();
  }, 240_000);
});
