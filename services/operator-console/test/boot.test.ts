// The console's real main.ts as a child process, as `npm start` runs it: it needs only Redis (no
// Postgres, no Kafka), answers its operational endpoints, exits 0 on SIGTERM, and stops at start with
// one line for bad configuration or an unreachable Redis.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort, runToExit, serviceEnv, startServiceProcess } from '@gateway/testkit';
import type { ServiceProcess } from '@gateway/testkit';

const entry = new URL('../src/main.ts', import.meta.url);
let proc: ServiceProcess | undefined;

beforeAll(async () => {
  // Nothing listens at the bank adapter's URL: readiness does not depend on it.
  proc = await startServiceProcess(entry, serviceEnv({ BANK_ADAPTER_URL: `http://127.0.0.1:${await freePort()}` }));
});
afterAll(() => {
  if (proc && proc.child.exitCode === null) proc.child.kill('SIGKILL');
});

describe('operator-console boots', () => {
  it('answers /healthz, /readyz (Redis) and /metrics without Postgres or Kafka', async () => {
    const base = proc!.baseUrl;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: 'ready', checks: { redis: { status: 'up', durationMs: expect.any(Number) } } });
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('service="operator-console"');
  });

  it('signs a demo operator of infra/local/operators.json in', async () => {
    const res = await fetch(`${proc!.baseUrl}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'viewer', password: 'viewer-demo-2026' }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { user: { role: string } }).user.role).toBe('viewer');
  });

  it('answers 503 for the channels when the bank adapter is down, never a crash', async () => {
    const signIn = await fetch(`${proc!.baseUrl}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'viewer', password: 'viewer-demo-2026' }),
    });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const res = await fetch(`${proc!.baseUrl}/api/channels`, { headers: { cookie } });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('service_unavailable');
  });

  it('exits 0 on SIGTERM', async () => {
    expect(await proc!.stop()).toBe(0);
  });

  it('refuses to start on bad configuration, naming it in one line', async () => {
    const run = await runToExit(entry, serviceEnv({ SESSION_IDLE_TIMEOUT: 'soon', OPERATORS_FILE: '/nonexistent/operators.json' }));
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('SESSION_IDLE_TIMEOUT');
  });

  it('refuses to start when Redis cannot be reached, naming it in one line', async () => {
    const closedPort = await freePort();
    const run = await runToExit(entry, serviceEnv({ REDIS_URL: `redis://127.0.0.1:${closedPort}` }));
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringContaining(`operator-console: cannot reach Redis at 127.0.0.1:${closedPort}`)]);
  });
});
