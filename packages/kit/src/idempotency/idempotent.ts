import { ApiError } from '@gateway/contracts';
import type { Pool, PoolClient } from 'pg';
import { withTransaction } from '../db/transaction.ts';
import { beginIdempotent, completeIdempotent, isValidIdempotencyKey } from './idempotency-store.ts';

export interface IdempotentOptions {
  pool: Pool;
  clientId: string;
  key: string;
  requestHash: string;
  lockTimeoutMs?: number;
  ttlDays?: number;
}

export interface RouteResult {
  status: number;
  /** A string is stored and sent as is; anything else is JSON-serialized once, here. */
  body: unknown;
  headers?: Record<string, string>;
}

export interface IdempotentResponse {
  status: number;
  /** The exact bytes to send: the first response's body on a replay. */
  body: string;
  headers: Record<string, string>;
  /** True when this is a stored response; the route adds `Idempotent-Replayed: true`. */
  replayed: boolean;
}

/**
 * Runs a state-changing route at most once per (client, key) and returns the response to send.
 * `fn` gets the transaction that also holds the key, and must do all its writes (outbox included)
 * through it. What `fn` returns is stored and replayed, business refusals too (they are values, not
 * exceptions). If `fn` throws, nothing is stored and a retry runs afresh.
 *
 * Throws ApiError `idempotency_key_reused` (same key, different request), `idempotency_key_in_use`
 * (the first request is still running), or `invalid_request` (malformed key).
 */
export async function idempotent(options: IdempotentOptions, fn: (client: PoolClient) => Promise<RouteResult>): Promise<IdempotentResponse> {
  const { pool, clientId, key, requestHash } = options;
  if (!isValidIdempotencyKey(key)) {
    throw new ApiError('invalid_request', 'Idempotency-Key must be 1–255 visible ASCII characters.');
  }
  return withTransaction(pool, async (client) => {
    const begun = await beginIdempotent(client, { clientId, key, requestHash, lockTimeoutMs: options.lockTimeoutMs, ttlDays: options.ttlDays });
    switch (begun.kind) {
      case 'mismatch':
        throw new ApiError('idempotency_key_reused');
      case 'in_progress':
        throw new ApiError('idempotency_key_in_use');
      case 'replay':
        return { status: begun.status, body: begun.body, headers: begun.headers, replayed: true };
      case 'new': {
        const result = await fn(client);
        const body = typeof result.body === 'string' ? result.body : JSON.stringify(result.body);
        const headers = result.headers ?? {};
        await completeIdempotent(client, { clientId, key, status: result.status, headers, body });
        return { status: result.status, body, headers, replayed: false };
      }
    }
  });
}
