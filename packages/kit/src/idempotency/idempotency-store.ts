import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import type { PoolClient, QueryResult } from 'pg';
import { executeStatement } from '../db/server-statements.ts';
import type { ServerStatement } from '../db/server-statements.ts';

/** docs/api.md: 1–255 visible ASCII characters. */
export function isValidIdempotencyKey(key: string): boolean {
  return /^[\x21-\x7e]{1,255}$/.test(key);
}

/**
 * Fingerprint of a request, stored with its key: the same key with a different fingerprint is
 * `idempotency_key_reused`. Hashes the exact body bytes (not re-serialized JSON), so any change at
 * all counts as a different request. `path` should include the query string.
 */
export function hashRequest(method: string, path: string, body: string | Uint8Array = ''): string {
  return requestHasher(method, path).update(body).digest('hex');
}

/** hashRequest for a body that streams: feed it the chunks, then `digest('hex')`. The same value. */
export function requestHasher(method: string, path: string): Hash {
  return createHash('sha256').update(`${method.toUpperCase()}\n${path}\n`);
}

export interface BeginIdempotentInput {
  clientId: string;
  key: string;
  requestHash: string;
  /** How long a duplicate waits for the first request to finish before getting `in_progress`. */
  lockTimeoutMs?: number;
  ttlDays?: number;
  /**
   * Only matters if a caller commits the row while still `in_progress` (a request split across
   * transactions): after this, a retry with the same body may take the key over.
   */
  leaseMs?: number;
}

export type StoredResponse = { status: number; headers: Record<string, string>; body: string };

export type BeginIdempotentResult =
  | { kind: 'new' }
  | ({ kind: 'replay' } & StoredResponse)
  | { kind: 'mismatch' }
  | { kind: 'in_progress' };

interface KeyRow {
  request_hash: string;
  status: 'in_progress' | 'completed';
  response_status: number | null;
  response_headers: Record<string, string> | null;
  response_body: string | null;
}

// A fresh row, or a takeover of an expired one (30 days on: the key is free again) or of an
// abandoned in-progress one with the same request. Prepared on the server: it runs in a simple query
// (see beginIdempotent).
const claimStatement: ServerStatement = {
  name: 'kit_idempotency_claim',
  parameterTypes: ['text', 'text', 'text', 'integer', 'double precision'],
  sql: `
  INSERT INTO idempotency_keys (client_id, key, request_hash, status, expires_at, locked_until)
  VALUES ($1, $2, $3, 'in_progress', now() + make_interval(days => $4), now() + make_interval(secs => $5))
  ON CONFLICT (client_id, key) DO UPDATE SET
    request_hash = EXCLUDED.request_hash, status = 'in_progress',
    response_status = NULL, response_headers = NULL, response_body = NULL,
    created_at = now(), expires_at = EXCLUDED.expires_at, locked_until = EXCLUDED.locked_until
  WHERE idempotency_keys.expires_at <= now()
     OR (idempotency_keys.status = 'in_progress' AND idempotency_keys.locked_until <= now()
         AND idempotency_keys.request_hash = EXCLUDED.request_hash)
  RETURNING 1`,
};

/**
 * Starts an idempotent request. `client` must be inside a transaction that will also carry the
 * request's whole effect and `completeIdempotent`: then concurrent duplicates queue on the key's
 * primary key until the first commits (and replay its response) or rolls back (and one of them runs
 * fresh), and a crash leaves no row, so the client's retry simply runs again. A duplicate that waits
 * longer than `lockTimeoutMs` gets `in_progress` (409, safe to retry) instead of hanging.
 */
export async function beginIdempotent(client: PoolClient, input: BeginIdempotentInput): Promise<BeginIdempotentResult> {
  const lockTimeoutMs = Math.max(1, Math.floor(input.lockTimeoutMs ?? 5_000));
  const ttlDays = input.ttlDays ?? 30;
  const leaseSeconds = (input.leaseMs ?? 60_000) / 1000;
  for (let round = 0; round < 3; round++) {
    // One round trip on the way to 'new' (every payment takes it), as one simple query: a savepoint,
    // so that a lock timeout can be answered without aborting the caller's transaction (rolling back
    // to it also undoes the settings below); our short lock timeout, the caller's own kept aside in a
    // transaction-local setting; the claim; the caller's lock timeout back, so the route's own
    // statements do not inherit ours; the release.
    const claim = await executeStatement(client, claimStatement, [input.clientId, input.key, input.requestHash, ttlDays, leaseSeconds]);
    let claimed: boolean;
    try {
      const results = (await client.query(
        [
          'SAVEPOINT idempotency_begin',
          `SELECT set_config('gateway.caller_lock_timeout', current_setting('lock_timeout'), true)`,
          `SET LOCAL lock_timeout = '${lockTimeoutMs}ms'`,
          claim,
          `SELECT set_config('lock_timeout', current_setting('gateway.caller_lock_timeout'), true)`,
          'RELEASE SAVEPOINT idempotency_begin',
        ].join(';\n'),
      )) as unknown as QueryResult[];
      claimed = results[3]?.rowCount === 1;
    } catch (err) {
      // The claim failed (a lock timeout: the first request is still running), and nothing after it ran.
      await client.query('ROLLBACK TO SAVEPOINT idempotency_begin; RELEASE SAVEPOINT idempotency_begin').catch(() => {
        throw err;
      });
      if ((err as { code?: string }).code === '55P03') return { kind: 'in_progress' };
      throw err;
    }
    if (claimed) return { kind: 'new' };

    const { rows } = await client.query<KeyRow>({
      name: 'kit-idempotency-read',
      text: `SELECT request_hash, status, response_status, response_headers, response_body
             FROM idempotency_keys WHERE client_id = $1 AND key = $2`,
      values: [input.clientId, input.key],
    });
    const row = rows[0];
    // Purged between our insert and this read: go round again, it will insert this time.
    if (!row) continue;
    if (row.request_hash !== input.requestHash) return { kind: 'mismatch' };
    if (row.status === 'in_progress') return { kind: 'in_progress' };
    return { kind: 'replay', status: row.response_status ?? 500, headers: row.response_headers ?? {}, body: row.response_body ?? '' };
  }
  throw new Error(`idempotency key ${input.key} could not be claimed`);
}

export interface CompleteIdempotentInput extends StoredResponse {
  clientId: string;
  key: string;
}

/** Stores the response to replay; call in the same transaction as beginIdempotent returned 'new'. */
export async function completeIdempotent(client: PoolClient, input: CompleteIdempotentInput): Promise<void> {
  const result = await client.query({
    name: 'kit-idempotency-complete',
    text: `UPDATE idempotency_keys
           SET status = 'completed', response_status = $3, response_headers = $4, response_body = $5, locked_until = NULL
           WHERE client_id = $1 AND key = $2 AND status = 'in_progress'`,
    values: [input.clientId, input.key, input.status, JSON.stringify(input.headers), input.body],
  });
  if (result.rowCount !== 1) throw new Error(`idempotency key ${input.key} is not in progress for client ${input.clientId}`);
}
