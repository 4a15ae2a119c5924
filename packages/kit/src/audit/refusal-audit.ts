// Refused authentications go to the service's append-only audit_log (docs/design.md, Security), beside the
// operator actions, but aggregated: one row per (source address, key id, reason, method, path) per
// flush window, with the number of refusals it stands for. A flood of bad requests therefore costs at
// most `maxKeys + 1` rows a window, however fast it comes, and never a database write per request.
//
// Why a window in memory rather than a row per refusal or a Redis counter: the refusal is answered
// before anything else is touched, and an attacker must not be able to turn 401s into inserts; the
// audit row only needs to say who, what and how often, not the microsecond. The price is that a crash
// loses the current window's counts (they are in the log lines too: every refusal is logged at warn).
//
// Memory is bounded: at most `maxKeys` distinct windows are held; a refusal that would open another
// one is only counted, into one overflow row (action `auth.refused.overflow`) with its own count, so
// the counts of a window's rows always add up to the refusals it saw.
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { Counter } from 'prom-client';
import type { AuthRefusal } from '../auth/signature-auth.ts';
import { sharedMetric } from '../http/metrics.ts';

export const AUTH_REFUSED_ACTION = 'auth.refused';
export const AUTH_REFUSED_OVERFLOW_ACTION = 'auth.refused.overflow';
/** The actor of a refusal whose key id names no client (or that carried no key id at all). */
export const UNAUTHENTICATED_ACTOR = 'unauthenticated';

export interface RefusalAuditOptions {
  pool: Pool;
  logger: Logger;
  /** How often the windows are written out (and emptied). */
  flushIntervalMs?: number;
  /** Distinct (source, key id, reason, method, path) windows held at once; the rest are only counted. */
  maxKeys?: number;
  registry?: Registry;
}

export interface RefusalAudit {
  /** Counts one refusal into its window; never touches the database, never throws. */
  record(refusal: AuthRefusal): void;
  /** Writes the current windows as rows now; resolves to the number of rows written. */
  flush(): Promise<number>;
  start(): void;
  /** Stops the timer and writes what is left. */
  stop(): Promise<void>;
}

interface RefusalWindow {
  actor: string;
  reason: string;
  keyId: string | null;
  clientId: string | null;
  method: string;
  path: string;
  ip: string;
  count: number;
  firstAt: Date;
  lastAt: Date;
  /** The first refused request's id, to find its log line. */
  requestId: string;
}

interface Overflow {
  count: number;
  firstAt: Date;
  lastAt: Date;
}

interface AuditRowInput {
  actor: string;
  action: string;
  target: string;
  detail: Record<string, unknown>;
  request_id: string | null;
}

export const defaultRefusalFlushIntervalMs = 10_000;
export const defaultRefusalMaxKeys = 1_000;

export function createRefusalAudit(options: RefusalAuditOptions): RefusalAudit {
  const { pool, logger } = options;
  const flushIntervalMs = options.flushIntervalMs ?? defaultRefusalFlushIntervalMs;
  const maxKeys = options.maxKeys ?? defaultRefusalMaxKeys;
  const refused = sharedMetric(
    options.registry,
    'auth_refused_total',
    (registers) => new Counter({ name: 'auth_refused_total', help: 'Requests refused at authentication, by reason', labelNames: ['reason'], registers }),
  );
  const overflowed = sharedMetric(
    options.registry,
    'auth_refused_audit_overflow_total',
    (registers) =>
      new Counter({ name: 'auth_refused_audit_overflow_total', help: 'Refusals counted only in the overflow row (more distinct sources than the audit holds)', registers }),
  );

  let windows = new Map<string, RefusalWindow>();
  let overflow: Overflow | undefined;
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<number> = Promise.resolve(0);

  function add(window: RefusalWindow, key: string, fresh = true): void {
    const held = windows.get(key);
    if (held !== undefined) {
      held.count += window.count;
      if (window.firstAt < held.firstAt) held.firstAt = window.firstAt;
      if (window.lastAt > held.lastAt) held.lastAt = window.lastAt;
      return;
    }
    if (windows.size < maxKeys) {
      windows.set(key, window);
      return;
    }
    if (fresh) overflowed.inc(window.count);
    addOverflow({ count: window.count, firstAt: window.firstAt, lastAt: window.lastAt });
  }

  function addOverflow(more: Overflow): void {
    if (overflow === undefined) {
      overflow = { ...more };
      return;
    }
    overflow.count += more.count;
    if (more.firstAt < overflow.firstAt) overflow.firstAt = more.firstAt;
    if (more.lastAt > overflow.lastAt) overflow.lastAt = more.lastAt;
  }

  function record(refusal: AuthRefusal): void {
    refused.inc({ reason: refusal.reason });
    const keyId = refusal.keyId ?? null;
    const window: RefusalWindow = {
      actor: refusal.clientId ?? UNAUTHENTICATED_ACTOR,
      reason: refusal.reason,
      keyId,
      clientId: refusal.clientId ?? null,
      method: refusal.method,
      path: refusal.path,
      ip: refusal.ip,
      count: 1,
      firstAt: refusal.at,
      lastAt: refusal.at,
      requestId: refusal.requestId,
    };
    add(window, JSON.stringify([refusal.ip, keyId, refusal.reason, refusal.method, refusal.path]));
  }

  function rowsOf(held: Map<string, RefusalWindow>, over: Overflow | undefined): AuditRowInput[] {
    const rows: AuditRowInput[] = [...held.values()].map((w) => ({
      actor: w.actor,
      action: AUTH_REFUSED_ACTION,
      target: w.path,
      detail: {
        reason: w.reason,
        keyId: w.keyId,
        clientId: w.clientId,
        method: w.method,
        path: w.path,
        ip: w.ip,
        count: w.count,
        firstAt: w.firstAt.toISOString(),
        lastAt: w.lastAt.toISOString(),
      },
      request_id: w.requestId,
    }));
    if (over !== undefined) {
      rows.push({
        actor: UNAUTHENTICATED_ACTOR,
        action: AUTH_REFUSED_OVERFLOW_ACTION,
        target: '*',
        detail: { count: over.count, firstAt: over.firstAt.toISOString(), lastAt: over.lastAt.toISOString(), maxKeys },
        request_id: null,
      });
    }
    return rows;
  }

  async function write(): Promise<number> {
    if (windows.size === 0 && overflow === undefined) return 0;
    const held = windows;
    const over = overflow;
    windows = new Map();
    overflow = undefined;
    const rows = rowsOf(held, over);
    try {
      // One statement for the whole window, whatever its size.
      await pool.query(
        `INSERT INTO audit_log (actor, action, target, detail, request_id)
         SELECT r.actor, r.action, r.target, r.detail, r.request_id
           FROM jsonb_to_recordset($1::jsonb) AS r(actor text, action text, target text, detail jsonb, request_id text)`,
        [JSON.stringify(rows)],
      );
      return rows.length;
    } catch (error) {
      // Kept for the next flush (within the same bounds), so a database blip loses no count.
      for (const [key, window] of held) add(window, key, false);
      if (over !== undefined) addOverflow(over);
      logger.error({ err: error, rows: rows.length }, 'could not write refused authentications to the audit log; retrying at the next flush');
      return 0;
    }
  }

  function flush(): Promise<number> {
    flushing = flushing.then(write, write);
    return flushing;
  }

  return {
    record,
    flush,
    start() {
      if (timer !== undefined) return;
      timer = setInterval(() => void flush(), flushIntervalMs);
      timer.unref();
    },
    async stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await flush();
    },
  };
}
