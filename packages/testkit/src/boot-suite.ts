// The boot suite every service passes (see service-process.ts for the process helpers it drives).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from './infra.ts';
import { createTestKafka } from './kafka.ts';
import { freePort, runToExit, serviceEnv, startServiceProcess } from './service-process.ts';
import type { ServiceProcess } from './service-process.ts';
import { createTestDatabase } from './test-database.ts';
import type { TestDatabase } from './test-database.ts';

/**
 * The boot suite every service passes: it starts for real and answers its operational endpoints;
 * SIGTERM drains and exits 0; bad configuration and an unreachable dependency each stop it at start
 * with one line naming the problem, not a stack trace.
 *
 * `env` is added to the booted service's environment: each service passes consumer group names of
 * this run, so booting it here never moves the offsets of the groups `npm start` uses on the same
 * broker (a test that commits them would make the developer's services skip events).
 *
 * `deadLetter`, for a service that consumes: a topic it reads (of this run) and the group that reads
 * it; a message failing its contract there must reach the service's dead_letters (its ledger).
 */
export function describeServiceBoot(service: string, entry: URL, env: Record<string, string> = {}, deadLetter?: { topic: string; group: string }): void {
  describe(`${service} boots`, () => {
    let db: TestDatabase;
    let proc: ServiceProcess | undefined;

    beforeAll(async () => {
      db = await createTestDatabase();
      // A short audit window, so a refused request reaches audit_log within the test.
      proc = await startServiceProcess(entry, serviceEnv({ DATABASE_URL: db.url, AUTH_AUDIT_FLUSH_MS: '200', ...env }));
    });

    afterAll(async () => {
      if (proc && proc.child.exitCode === null) proc.child.kill('SIGKILL');
      await db.drop();
    });

    it('answers /healthz, /readyz, /metrics and /docs', async () => {
      const base = proc!.baseUrl;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({
        status: 'ready',
        checks: { postgres: { status: 'up' }, redis: { status: 'up' }, kafka: { status: 'up' } },
      });
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toContain(`service="${service}"`);
      expect(metrics).toContain('outbox_pending');
      // The retention pass is wired (kit's outbox, inbox and idempotency keys, in every service).
      for (const table of ['outbox', 'inbox', 'idempotency_keys']) expect(metrics).toContain(`retention_rows_deleted_total{table="${table}"`);
      const docs = (await (await fetch(`${base}/docs/json`)).json()) as { info: { title: string } };
      expect(docs.info.title).toBe(service);
      expect((await fetch(`${base}/docs`, { redirect: 'follow' })).status).toBe(200);
    });

    it('applied the kit migrations to its own database', async () => {
      const tables = await db.pool.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(['outbox', 'inbox', 'idempotency_keys']));
    });

    it('writes a refused authentication to its own append-only audit_log', async () => {
      // Any signed route of the service, from its OpenAPI document: the ones that take Signature-Input.
      type Operation = { parameters?: { in: string; name: string }[] };
      const docs = (await (await fetch(`${proc!.baseUrl}/docs/json`)).json()) as { paths: Record<string, Record<string, Operation>> };
      const signed = Object.entries(docs.paths).flatMap(([route, ops]) =>
        Object.entries(ops)
          .filter(([, op]) => op.parameters?.some((p) => p.in === 'header' && p.name === 'signature-input'))
          .map(([method, op]) => ({ method: method.toUpperCase(), path: route.replace(/\{[^}]+\}/g, 'x'), op })),
      );
      const target = signed.find((s) => s.method === 'GET') ?? signed[0];
      expect(target).toBeDefined();
      const res = await fetch(`${proc!.baseUrl}${target!.path}`, {
        method: target!.method,
        ...(target!.method === 'GET' ? {} : { body: '{}', headers: { 'content-type': 'application/json' } }),
      });
      expect(res.status).toBe(401);

      const row = await waitFor(async () => {
        const { rows } = await db.pool.query<{ actor: string; target: string; detail: { reason: string; ip: string; count: number; keyId: string | null } }>(
          "SELECT actor, target, detail FROM audit_log WHERE action = 'auth.refused' AND target = $1",
          [target!.path],
        );
        return rows[0];
      });
      expect(row).toMatchObject({ actor: 'unauthenticated', detail: { reason: 'missing_signature', ip: '127.0.0.1', count: 1, keyId: null } });
      await expect(db.pool.query("UPDATE audit_log SET actor = 'x'")).rejects.toThrow(/append-only/);
      await expect(db.pool.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    });

    if (deadLetter !== undefined) {
      it("stores what its consumer dead-letters in dead_letters (its dead-letter ledger) and serves GET /v1/dead-letters", async () => {
        const tk = createTestKafka();
        try {
          await tk.produce(deadLetter.topic, [{ key: 'boot-dead-letter', value: 'not an event' }]);
        } finally {
          await tk.close();
        }
        const row = await waitFor(
          async () => {
            const { rows } = await db.pool.query<{ kind: string; state: string; key: string }>(
              "SELECT kind, state, convert_from(message_key, 'UTF8') AS key FROM dead_letters WHERE consumer_group = $1 AND original_topic = $2",
              [deadLetter.group, deadLetter.topic],
            );
            return rows[0];
          },
          { timeoutMs: 60_000, message: `the dead letter of ${deadLetter.group} in dead_letters` },
        );
        expect(row).toEqual({ kind: 'schema', state: 'open', key: 'boot-dead-letter' });
        const docs = (await (await fetch(`${proc!.baseUrl}/docs/json`)).json()) as { paths: Record<string, unknown> };
        expect(Object.keys(docs.paths)).toEqual(expect.arrayContaining(['/v1/dead-letters', '/v1/dead-letters/{id}/replay']));
      }, 90_000);
    }

    it('exits 0 on SIGTERM', async () => {
      expect(await proc!.stop()).toBe(0);
    });

    it('refuses to start without DATABASE_URL, naming it in one line', async () => {
      const run = await runToExit(entry, serviceEnv({ DATABASE_URL: undefined, HTTP_PORT: 'eighty' }));
      expect(run.code).toBe(1);
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('DATABASE_URL is required');
      expect(lines[0]).toContain('HTTP_PORT must be');
    });

    it('refuses to start when Kafka cannot be reached, naming it in one line', async () => {
      const closedPort = await freePort();
      // No start-up wait for Kafka (KAFKA_START_WAIT_MS): one attempt, so the refusal comes at once.
      const run = await runToExit(entry, serviceEnv({ DATABASE_URL: db.url, KAFKA_BROKERS: `127.0.0.1:${closedPort}`, KAFKA_START_WAIT_MS: '0' }));
      expect(run.code).toBe(1);
      const lines = run.stderr.trim().split('\n');
      // kafkajs gives up on a refused connection after its own jittered retries (8–14 s here), usually
      // after the 5 s probe timeout but now and then before it: either reason names the address.
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(`^${service}: cannot reach Kafka at 127\\.0\\.0\\.1:${closedPort} \\((kafka did not answer within 5000 ms|Connection error: connect ECONNREFUSED 127\\.0\\.0\\.1:${closedPort})\\)$`),
      );
      expect(run.stdout).not.toContain('    at ');
    });
  });
}
