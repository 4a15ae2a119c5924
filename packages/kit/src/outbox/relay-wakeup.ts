import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import { outboxChannel } from './enqueue.ts';

/**
 * The relay's idle wait: a sleep that an enqueue NOTIFY (or stop) cuts short. LISTEN is an
 * optimisation only; with it off or its connection lost, the poll interval still bounds latency.
 */
export interface RelayWakeup {
  sleep(ms: number): Promise<void>;
  wakeAll(): void;
  /** (Re)opens the LISTEN connection if it is wanted and not open. */
  ensureListener(stopping: boolean): Promise<void>;
  /** Destroys the LISTEN connection (never returned to the pool: a pooled connection must not keep LISTENing). */
  releaseListener(): void;
}

export function createRelayWakeup(pool: Pool, log: Logger, listen: boolean): RelayWakeup {
  let listener: PoolClient | undefined;
  let releaseListener: () => void = () => undefined;
  const wakers = new Set<() => void>();

  function wakeAll(): void {
    for (const wake of [...wakers]) wake();
  }

  return {
    sleep(ms) {
      return new Promise((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          wakers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, ms);
        wakers.add(wake);
      });
    },
    wakeAll,
    async ensureListener(stopping) {
      if (!listen || listener || stopping) return;
      let client: PoolClient | undefined;
      let released = false;
      const release = (err?: Error) => {
        if (released || !client) return;
        released = true;
        if (listener === client) listener = undefined;
        client.release(err ?? true);
      };
      try {
        client = await pool.connect();
        client.on('notification', wakeAll);
        client.on('error', (err) => {
          log.warn({ err }, 'outbox listener connection lost; polling until it is back');
          release(err);
        });
        await client.query(`LISTEN ${outboxChannel}`);
        if (!released) listener = client;
      } catch (err) {
        log.warn({ err }, 'outbox LISTEN failed; polling only');
        release(err instanceof Error ? err : new Error(String(err)));
      }
      releaseListener = () => release();
    },
    releaseListener() {
      releaseListener();
    },
  };
}
