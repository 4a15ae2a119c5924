import type { Pool } from 'pg';
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import { countPending } from './outbox-row.ts';
import { countBlocked, countParked, countParkedByReason } from './parked-rows.ts';

export interface RelayMetrics {
  published: Counter;
  failures: Counter;
  parkedTotal: Counter;
}

/** A metric already registered (by another relay of the same process) is shared, not registered twice. */
function metric<T extends Counter | Gauge>(registry: Registry | undefined, name: string, make: (registers: Registry[]) => T): T {
  const existing = registry?.getSingleMetric(name);
  return existing ? (existing as T) : make(registry ? [registry] : []);
}

/**
 * The relay's counters, and the gauges read from the outbox table at scrape time (a count of -1
 * means the database did not answer).
 */
export function createRelayMetrics(registry: Registry | undefined, pool: Pool): RelayMetrics {
  const published = metric(registry, 'outbox_published_total', (registers) =>
    new Counter({ name: 'outbox_published_total', help: 'Outbox rows published to Kafka.', registers }),
  );
  const failures = metric(registry, 'outbox_publish_failures_total', (registers) =>
    new Counter({ name: 'outbox_publish_failures_total', help: 'Outbox batches that failed to publish.', registers }),
  );
  const parkedTotal = metric(registry, 'outbox_parked_total', (registers) =>
    new Counter({ name: 'outbox_parked_total', help: 'Outbox rows parked because Kafka refuses them.', registers }),
  );
  metric(registry, 'outbox_parked', (registers) =>
    new Gauge({
      name: 'outbox_parked',
      help: 'Outbox rows parked (Kafka refuses them) awaiting an operator; alert on anything above 0.',
      registers,
      async collect() {
        this.set(await countParked(pool).catch(() => -1));
      },
    }),
  );
  metric(registry, 'outbox_parked_rows', (registers) =>
    new Gauge({
      name: 'outbox_parked_rows',
      help: 'Outbox rows parked, by topic and by why Kafka refused them (e.g. MESSAGE_TOO_LARGE): events that reach nobody until an operator acts.',
      labelNames: ['topic', 'reason'],
      registers,
      async collect() {
        const counts = await countParkedByReason(pool).catch(() => undefined);
        // Reset first: a topic whose parked rows were replayed must drop to nothing, not keep its count.
        this.reset();
        if (counts === undefined) return;
        for (const { topic, reason, n } of counts) this.set({ topic, reason }, n);
      },
    }),
  );
  metric(registry, 'outbox_blocked', (registers) =>
    new Gauge({
      name: 'outbox_blocked',
      help: 'Outbox rows held back behind a parked row of the same key, to keep per-key order.',
      registers,
      async collect() {
        this.set(await countBlocked(pool).catch(() => -1));
      },
    }),
  );
  metric(registry, 'outbox_pending', (registers) =>
    new Gauge({
      name: 'outbox_pending',
      help: 'Outbox rows not yet published.',
      registers,
      async collect() {
        this.set(await countPending(pool).catch(() => -1));
      },
    }),
  );
  return { published, failures, parkedTotal };
}
