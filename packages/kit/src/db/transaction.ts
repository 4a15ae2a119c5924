import type { Pool, PoolClient } from 'pg';

export type IsolationLevel = 'read committed' | 'repeatable read' | 'serializable';

export interface TransactionOptions {
  isolationLevel?: IsolationLevel;
  /**
   * Extra attempts after a serialization failure (40001) or deadlock (40P01). Off by default: a
   * retry re-runs `fn`, which is only safe when `fn` has no effects outside this transaction.
   */
  retries?: number;
}

type CommitHook = (pool: Pool) => void;
const commitHooks = new WeakMap<PoolClient, Set<CommitHook>>();

/**
 * Runs `hook` (synchronously, with the pool) once the transaction `client` is in commits, after the
 * connection is back in the pool; a rollback drops it, and a hook registered twice runs once. For
 * what must not happen inside the transaction, such as waking the outbox relays (enqueueEvents).
 * Only transactions opened by withTransaction run their hooks.
 */
export function afterCommit(client: PoolClient, hook: CommitHook): void {
  const hooks = commitHooks.get(client) ?? new Set<CommitHook>();
  hooks.add(hook);
  commitHooks.set(client, hooks);
}

const retryableCodes = new Set(['40001', '40P01']);

export function isRetryableTransactionError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && retryableCodes.has((err as { code?: string }).code ?? '');
}

/** Runs `fn` inside BEGIN/COMMIT on one pooled connection; any throw rolls back and rethrows. */
export async function withTransaction<T>(
  pool: Pool,
  fn: (client: PoolClient) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const maxAttempts = 1 + Math.max(0, options.retries ?? 0);
  for (let attempt = 1; ; attempt++) {
    try {
      return await runOnce(pool, fn, options.isolationLevel);
    } catch (err) {
      if (attempt >= maxAttempts || !isRetryableTransactionError(err)) throw err;
      // Jitter keeps two transactions that just deadlocked from colliding again in lockstep.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}

async function runOnce<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>, isolationLevel?: IsolationLevel): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  let committed: Set<CommitHook> | undefined;
  // Hooks left by a transaction opened outside withTransaction are not this one's.
  commitHooks.delete(client);
  try {
    await client.query(isolationLevel ? `BEGIN ISOLATION LEVEL ${isolationLevel.toUpperCase()}` : 'BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    committed = commitHooks.get(client);
    return result;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackErr) {
      // A connection that cannot even roll back must not go back to the pool half-open.
      broken = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
    }
    throw err;
  } finally {
    commitHooks.delete(client);
    client.release(broken);
    for (const hook of committed ?? []) {
      try {
        hook(pool);
      } catch {
        // A hook is an afterthought of a transaction that has committed: it cannot fail it now.
      }
    }
  }
}
