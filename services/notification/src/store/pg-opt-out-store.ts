// Opt-outs: the current state per msisdn (opt_outs, what campaigns and reminders check) and the
// append-only history of every STOP or START the subscriber sent (or an operator recorded), so an
// operator can answer "why did I get no SMS?" with when and how it changed. Numbers are E.164
// (domain/msisdn.ts) here; callers normalise first.
import type { Queryable } from '@gateway/kit';
import type { PoolClient } from 'pg';

export type OptOutState = {
  msisdn: string;
  /** False for a subscriber who never opted out (no row yet): nothing stops their messages. */
  optedOut: boolean;
  changedAt: string | null;
  via: string | null;
  /** Newest first, at most `historyLimit` entries. */
  history: { optedOut: boolean; via: string; at: string }[];
};

export type OptedOut = { msisdn: string; changedAt: string; via: string };

/**
 * Where a page of the opted-out list ends: the next page starts after it. The instant is kept in
 * microseconds since the epoch (Postgres' own precision), because a millisecond ISO string would
 * skip rows that changed within the same millisecond as the last one shown.
 */
export type OptOutPosition = { changedAtUs: string; msisdn: string };

export type OptOutPage = { optOuts: OptedOut[]; next: OptOutPosition | null };


// Integer microseconds both ways: exact, where a double (extract(epoch …), to_timestamp) is not.
function epochMicros(column: string): string {
  return `((extract(epoch FROM date_trunc('second', ${column}))::bigint * 1000000 + extract(microseconds FROM ${column})::bigint % 1000000)::text)`;
}
function fromEpochMicros(param: string): string {
  return `(timestamptz 'epoch' + ${param} * interval '1 microsecond')`;
}

export type OptOutChange = {
  /** Whether the subscriber's state changed (a repeated STOP, or a START from someone never opted out, does not). */
  changed: boolean;
  /** The history row written for this STOP or START: a key for what it causes (one confirmation per change). */
  historyId: number;
};

/**
 * Records a STOP (optedOut true) or START (false) at `at`. The history row is always written: it is
 * what the subscriber sent, even a second STOP. The current row changes only when the state does, so
 * `changedAt` stays the moment it really changed. Says whether it changed, so the SMPP side confirms
 * a real change and does not answer every repeat.
 */
export async function setOptOut(client: PoolClient, msisdn: string, optedOut: boolean, via: string, at: Date): Promise<OptOutChange> {
  // ON CONFLICT … WHERE re-checks against the row as it is once locked, so two concurrent STOPs for
  // one number report one change between them, never two. xmax = 0 tells a fresh insert.
  const { rows } = await client.query<{ inserted: boolean }>(
    `INSERT INTO opt_outs (msisdn, opted_out, changed_at, via) VALUES ($1, $2, $3, $4)
     ON CONFLICT (msisdn) DO UPDATE SET opted_out = EXCLUDED.opted_out, changed_at = EXCLUDED.changed_at, via = EXCLUDED.via
       WHERE opt_outs.opted_out IS DISTINCT FROM EXCLUDED.opted_out
     RETURNING (xmax = 0) AS inserted`,
    [msisdn, optedOut, at, via],
  );
  const history = await client.query<{ id: string }>('INSERT INTO opt_out_history (msisdn, opted_out, via, at) VALUES ($1, $2, $3, $4) RETURNING id', [msisdn, optedOut, via, at]);
  const row = rows[0];
  // A first START from someone who never opted out leaves them where they were: not opted out.
  const changed = row === undefined ? false : row.inserted ? optedOut : true;
  return { changed, historyId: Number(history.rows[0]!.id) };
}

/** One subscriber's current state and history; a number never seen is simply not opted out. */
export async function optOutOf(db: Queryable, msisdn: string, historyLimit = 100): Promise<OptOutState> {
  const current = await db.query<{ opted_out: boolean; changed_at: Date; via: string }>('SELECT opted_out, changed_at, via FROM opt_outs WHERE msisdn = $1', [msisdn]);
  const history = await db.query<{ opted_out: boolean; via: string; at: Date }>(
    'SELECT opted_out, via, at FROM opt_out_history WHERE msisdn = $1 ORDER BY at DESC, id DESC LIMIT $2',
    [msisdn, historyLimit],
  );
  const row = current.rows[0];
  return {
    msisdn,
    optedOut: row?.opted_out ?? false,
    changedAt: row?.changed_at.toISOString() ?? null,
    via: row?.via ?? null,
    history: history.rows.map((h) => ({ optedOut: h.opted_out, via: h.via, at: h.at.toISOString() })),
  };
}

/** The numbers opted out now, most recent change first, a page at a time (keyset, so pages stay cheap). */
export async function listOptOuts(db: Queryable, page: { limit: number; after?: OptOutPosition | undefined }): Promise<OptOutPage> {
  const after = page.after;
  // One more than asked tells whether there is a next page without a count over the whole table.
  const { rows } = await db.query<{ msisdn: string; changed_at: Date; changed_us: string; via: string }>(
    `SELECT msisdn, changed_at, ${epochMicros('changed_at')} AS changed_us, via FROM opt_outs
     WHERE opted_out AND ($1::bigint IS NULL OR (changed_at, msisdn) < (${fromEpochMicros('$1::bigint')}, $2::text))
     ORDER BY changed_at DESC, msisdn DESC
     LIMIT $3`,
    [after?.changedAtUs ?? null, after?.msisdn ?? null, page.limit + 1],
  );
  const shown = rows.slice(0, page.limit);
  const last = shown.at(-1);
  return {
    optOuts: shown.map((r) => ({ msisdn: r.msisdn, changedAt: r.changed_at.toISOString(), via: r.via })),
    next: rows.length > page.limit && last !== undefined ? { changedAtUs: last.changed_us, msisdn: last.msisdn } : null,
  };
}
