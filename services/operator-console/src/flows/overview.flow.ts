// The live overview: the aggregator's figures from the event feed, beside what is asked of the
// services and of Kafka every poll (outbox backlog, intents by status, consumer lag, dead letters).
// Subscribers (the SSE route) get the snapshot when it changed, at most once per emit interval; a
// part that cannot be had (a service down, Kafka unreachable) is marked unavailable with its reason,
// never hiding the others.
import type { AnyEvent } from '@gateway/contracts';
import type { ServiceClient } from '../clients/service-client.ts';
import { OverviewAggregator } from '../domain/overview.ts';
import type { OverviewFigures } from '../domain/overview.ts';
import type { DeadLetterTopic, KafkaStats, ServiceLag } from '../events/kafka-stats.ts';
import { listDeadLetters } from './dead-letters.flow.ts';

export type OutboxBacklog = {
  service: string;
  available: boolean;
  unpublished: number;
  oldestUnpublishedAt: string | null;
  parked: number;
  error: string | null;
};

export type OverviewSnapshot = Omit<OverviewFigures, 'intentsByStatus'> & {
  generatedAt: string;
  /** The event feed (Kafka consumer): the per-minute figures, lag and channel rates come from it. */
  feed: { connected: boolean; error: string | null };
  /** From orchestration's GET /v1/intents/summary when it answers (all intents), else from the events of the last hour. */
  intents: { source: 'orchestration' | 'events'; counts: Record<string, number> };
  consumerLag: { available: boolean; error: string | null; services: ServiceLag[] };
  outbox: OutboxBacklog[];
  deadLetters: {
    /** Open rows of each service's dead-letter ledger (GET /v1/dead-letters?state=open): what waits for a person. */
    open: { total: number; services: OpenDeadLetters[] };
    /** Messages on the `*.dlq` topics (Kafka keeps them for its retention, replayed ones too), by topic. */
    topics: { available: boolean; error: string | null; total: number; topics: DeadLetterTopic[] };
  };
};

export type OpenDeadLetters = {
  service: string;
  available: boolean;
  open: number;
  /** The service has more open rows than one page (`open` is then the page size). */
  more: boolean;
  error: string | null;
};

/** Open dead letters counted per service: one page of the ledger, the services' largest. */
export const deadLetterPage = 200;

export type OverviewPorts = {
  /** Every service by name, asked for its outbox backlog and its open dead letters. */
  services: Record<string, ServiceClient>;
  /** Asked for its intents by status; a 404 (an older orchestration) falls back to the events. */
  orchestration: ServiceClient;
  kafkaStats: Pick<KafkaStats, 'consumerLag' | 'deadLetterTopics'>;
  now: () => number;
  pollIntervalMs: number;
  /** The shortest time between two snapshots sent to subscribers. */
  emitIntervalMs: number;
};

export type OverviewHub = {
  add(event: AnyEvent): void;
  setFeed(connected: boolean, error?: string): void;
  snapshot(): OverviewSnapshot;
  /** Calls `listener` with each changed snapshot; returns the unsubscribe. */
  subscribe(listener: (snapshot: OverviewSnapshot) => void): () => void;
  /** How many listeners are subscribed (open streams). */
  subscribers(): number;
  /** Asks the services and Kafka once (start() does it every poll interval). */
  poll(): Promise<void>;
  start(): void;
  stop(): void;
};

// The console's own background reader, named in the services' logs (GET requests are not audited).
const person = 'overview';
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function createOverviewHub(ports: OverviewPorts): OverviewHub {
  const aggregator = new OverviewAggregator();
  const listeners = new Set<(snapshot: OverviewSnapshot) => void>();
  let feed: OverviewSnapshot['feed'] = { connected: false, error: null };
  let intentCounts: Record<string, number> | null = null;
  let consumerLag: OverviewSnapshot['consumerLag'] = { available: false, error: 'not asked yet', services: [] };
  let outbox: OutboxBacklog[] = [];
  let deadLetters: OverviewSnapshot['deadLetters'] = {
    open: { total: 0, services: [] },
    topics: { available: false, error: 'not asked yet', total: 0, topics: [] },
  };
  let lastSent: string | undefined;
  const timers: NodeJS.Timeout[] = [];
  let polling: Promise<void> | undefined;

  function snapshot(): OverviewSnapshot {
    const { intentsByStatus, ...figures } = aggregator.snapshot(ports.now());
    return {
      generatedAt: new Date(ports.now()).toISOString(),
      feed,
      ...figures,
      intents: intentCounts === null ? { source: 'events', counts: intentsByStatus } : { source: 'orchestration', counts: intentCounts },
      consumerLag,
      outbox,
      deadLetters,
    };
  }

  function emitIfChanged(): void {
    if (listeners.size === 0) return;
    const current = snapshot();
    const key = JSON.stringify({ ...current, generatedAt: null });
    if (key === lastSent) return;
    lastSent = key;
    for (const listener of listeners) {
      try {
        listener(current);
      } catch {
        // A listener's failure (a stream already closed) is that listener's, not the others'.
      }
    }
  }

  async function pollOnce(): Promise<void> {
    const [summary, lag, backlog, dlq, open] = await Promise.allSettled([
      ports.orchestration.call<{ counts: Record<string, number> }>('GET', '/v1/intents/summary', { person }),
      ports.kafkaStats.consumerLag(),
      Promise.all(
        Object.entries(ports.services).map(async ([service, client]): Promise<OutboxBacklog> => {
          try {
            const b = await client.call<{ unpublished: number; oldestUnpublishedAt: string | null; parked: number }>('GET', '/v1/outbox/backlog', { person });
            return { service, available: true, unpublished: b.unpublished, oldestUnpublishedAt: b.oldestUnpublishedAt, parked: b.parked, error: null };
          } catch (error) {
            return { service, available: false, unpublished: 0, oldestUnpublishedAt: null, parked: 0, error: message(error) };
          }
        }),
      ),
      ports.kafkaStats.deadLetterTopics(),
      listDeadLetters({ outboxServices: ports.services }, { state: 'open', limit: deadLetterPage }),
    ]);
    // Anything but an answer (an older orchestration without the route, or one that is down): the
    // counts from the events, which cover the intents of the last hour only.
    intentCounts = summary.status === 'fulfilled' && typeof summary.value?.counts === 'object' ? summary.value.counts : null;
    consumerLag = lag.status === 'fulfilled' ? { available: true, error: null, services: lag.value } : { available: false, error: message(lag.reason), services: consumerLag.services };
    if (backlog.status === 'fulfilled') outbox = backlog.value;
    const topics: OverviewSnapshot['deadLetters']['topics'] =
      dlq.status === 'fulfilled'
        ? { available: true, error: null, total: dlq.value.reduce((n, t) => n + t.messages, 0), topics: dlq.value }
        : { ...deadLetters.topics, available: false, error: message(dlq.reason) };
    // listDeadLetters answers every service (unavailable ones said so); it does not reject.
    const openServices =
      open.status === 'fulfilled'
        ? open.value.services.map((d) => ({ service: d.service, available: d.available, open: d.rows.length, more: d.rows.length >= deadLetterPage, error: d.error ?? null }))
        : deadLetters.open.services;
    deadLetters = { open: { total: openServices.reduce((n, d) => n + d.open, 0), services: openServices }, topics };
  }

  async function poll(): Promise<void> {
    // One poll at a time: a slow service must not pile them up.
    polling ??= pollOnce().finally(() => {
      polling = undefined;
    });
    await polling;
  }

  return {
    add: (event) => aggregator.add(event),
    setFeed(connected, error) {
      feed = { connected, error: error ?? null };
    },
    snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    subscribers: () => listeners.size,
    poll,
    start() {
      const pollAndEmit = () => void poll().then(emitIfChanged);
      pollAndEmit();
      timers.push(setInterval(pollAndEmit, ports.pollIntervalMs), setInterval(emitIfChanged, ports.emitIntervalMs));
      for (const t of timers) t.unref();
    },
    stop() {
      for (const t of timers) clearInterval(t);
      timers.length = 0;
      listeners.clear();
    },
  };
}
