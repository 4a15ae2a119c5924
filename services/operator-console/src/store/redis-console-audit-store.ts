// The console's own security events (sign-in, failed sign-in, lock-out, sign-out), which no service
// sees: the console signs nothing to a service for them. They go to a Redis stream in the console's
// own Redis rather than only to the log because an admin must read them on the Audit screen beside the
// services' audit rows, and the console has no database: Redis already holds its sessions and lock-out
// counters, a stream is append-only to the console (it only ever XADDs; nothing here edits or deletes
// an entry) and its ids are time-ordered, which is what the Audit screen pages by.
//
// Bounded: XADD trims the stream to about `maxEntries` (MAXLEN ~, so trimming is cheap), so a flood of
// failed sign-ins cannot grow Redis without limit. The price is that such a flood pushes the oldest
// entries out, and Redis is not Postgres: every event is also in the console's log (info/warn), which
// is the long-term record.
import type { Redis } from 'ioredis';

/** About this many events are kept; older ones are trimmed as new ones arrive. */
export const consoleAuditMaxEntries = 10_000;

export type ConsoleAuditEvent = { actor: string; action: string; target: string; detail: Record<string, unknown> };
export type ConsoleAuditEntry = ConsoleAuditEvent & { id: string; at: string; requestId: string | null };
export type ConsoleAuditPage = { entries: ConsoleAuditEntry[]; nextCursor: string | null };

export type ConsoleAuditStore = {
  append(event: ConsoleAuditEvent & { requestId?: string }): Promise<void>;
  /** Newest first; `beforeId` is the previous page's nextCursor (a stream id). */
  list(query: { limit: number; beforeId?: string | undefined; actor?: string | undefined; action?: string | undefined }): Promise<ConsoleAuditPage>;
};

/** A stream entry id, as the console's cursor carries it. */
export const streamIdPattern = /^[0-9]{1,15}-[0-9]{1,10}$/;

// Filters are applied while reading backwards a chunk at a time: the stream holds at most about
// consoleAuditMaxEntries, so even a filter that matches nothing reads a bounded amount.
const chunk = 500;

export function createConsoleAuditStore(redis: Redis, options: { key?: string; maxEntries?: number } = {}): ConsoleAuditStore {
  const key = options.key ?? 'console:audit';
  const maxEntries = options.maxEntries ?? consoleAuditMaxEntries;
  return {
    async append(event) {
      const entry = { ...event, at: new Date().toISOString(), requestId: event.requestId ?? null };
      await redis.xadd(key, 'MAXLEN', '~', maxEntries, '*', 'entry', JSON.stringify(entry));
    },
    async list(query) {
      const matched: ConsoleAuditEntry[] = [];
      let end = query.beforeId === undefined ? '+' : `(${query.beforeId}`;
      for (;;) {
        const batch = await redis.xrevrange(key, end, '-', 'COUNT', chunk);
        for (const [id, fields] of batch) {
          const stored = JSON.parse(fields[1] ?? '{}') as Omit<ConsoleAuditEntry, 'id'>;
          if (query.actor !== undefined && stored.actor !== query.actor) continue;
          if (query.action !== undefined && stored.action !== query.action) continue;
          matched.push({ id, ...stored });
          // One more than the page, to know whether another page follows.
          if (matched.length > query.limit) break;
        }
        const last = batch[batch.length - 1];
        if (matched.length > query.limit || batch.length < chunk || last === undefined) break;
        end = `(${last[0]}`;
      }
      const entries = matched.slice(0, query.limit);
      return { entries, nextCursor: matched.length > query.limit ? (entries[entries.length - 1]?.id ?? null) : null };
    },
  };
}
