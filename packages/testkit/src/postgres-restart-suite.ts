// The fault every service must ride out (issue 10 item 11): Postgres restarted in immediate mode (every
// connection cut mid-conversation, crash recovery on start) under the running service. It must stay up,
// say not_ready while the database is gone, and be ready again once it is back, with no restart of
// its own. A private Postgres, because crashing the shared one would break every other test file.
import type { AnyEvent } from '@gateway/contracts';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from './infra.ts';
import { createTestKafka } from './kafka.ts';
import { startPrivatePostgres } from './private-postgres.ts';
import type { PrivatePostgres } from './private-postgres.ts';
import { serviceEnv, startServiceProcess } from './service-process.ts';
import type { ServiceProcess } from './service-process.ts';

export interface RestartLoad {
  /** A topic the service consumes (one of this run's, named in `env`). */
  topic: string;
  /** A fresh event for it: each is handled in a transaction, so the crash cuts connections in use. */
  event: () => AnyEvent;
}

/**
 * `database` is the service's database on the private server (billing, payments, bank_adapter,
 * notification). `load` keeps events flowing into the service across the crash: an idle service holds
 * no checked-out connection, and it is those (a transaction, a lock holder) that used to kill it.
 */
export function describePostgresRestart(service: string, entry: URL, database: string, env: Record<string, string> = {}, load?: RestartLoad): void {
  describe(`${service} and a Postgres restart`, () => {
    let postgres: PrivatePostgres | undefined;
    let proc: ServiceProcess | undefined;

    beforeAll(async () => {
      postgres = await startPrivatePostgres();
      proc = await startServiceProcess(entry, serviceEnv({ DATABASE_URL: postgres.url(database), ...env }));
    }, 120_000);

    afterAll(async () => {
      if (proc && proc.child.exitCode === null) proc.child.kill('SIGKILL');
      await postgres?.destroy();
    }, 120_000);

    it('stays up through pg_ctl -m immediate, not ready while the database is down, and ready again without a restart', async () => {
      const status = (path: string) =>
        fetch(`${proc!.baseUrl}${path}`).then(
          (r) => r.status,
          () => 0,
        );
      const pid = proc!.child.pid;
      const kafka = createTestKafka();
      let loading = load !== undefined;
      let produced = 0;
      const feeding = (async () => {
        while (loading && load) {
          await kafka.produce(load.topic, [load.event()].map((e) => ({ key: e.key, value: JSON.stringify(e) })));
          produced++;
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      try {
        if (load) await waitFor(() => produced >= 20, { timeoutMs: 20_000, message: 'the load to start' });
        await postgres!.crash();
        await waitFor(async () => (await status('/readyz')) === 503, { timeoutMs: 15_000, message: '/readyz to say not ready' });
        // As in the incident: started again 5 s later, the service's background work meanwhile failing.
        await new Promise((r) => setTimeout(r, 5_000));
        expect(await status('/healthz')).toBe(200);
        await postgres!.up();
        await waitFor(async () => (await status('/readyz')) === 200, { timeoutMs: 30_000, message: '/readyz to say ready again' });
      } finally {
        loading = false;
        await feeding.catch(() => undefined);
        await kafka.close();
      }
      expect(proc!.child.exitCode).toBeNull();
      expect(proc!.child.pid).toBe(pid);
      expect(proc!.output()).not.toContain('uncaught error');
    }, 90_000);
  });
}
