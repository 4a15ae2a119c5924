// The console's real main.ts with Kafka unreachable: it starts all the same (operators need it most
// when something is down), signs people in, and its overview says the event feed is not live.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort, serviceEnv, startServiceProcess, waitFor } from '@gateway/testkit';
import type { ServiceProcess } from '@gateway/testkit';

const entry = new URL('../src/main.ts', import.meta.url);
let proc: ServiceProcess | undefined;

beforeAll(async () => {
  const closed = await freePort();
  proc = await startServiceProcess(entry, serviceEnv({ KAFKA_BROKERS: `127.0.0.1:${closed}`, BANK_ADAPTER_URL: `http://127.0.0.1:${await freePort()}` }));
});
afterAll(() => {
  if (proc && proc.child.exitCode === null) proc.child.kill('SIGKILL');
});

describe('the console without Kafka', () => {
  it('starts, and its overview answers with the feed not live and Kafka unavailable', async () => {
    const base = proc!.baseUrl;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const signIn = await fetch(`${base}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'viewer', password: 'viewer-demo-2026' }),
    });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const overview = await waitFor(async () => {
      const res = await fetch(`${base}/api/overview`, { headers: { cookie } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { feed: { connected: boolean }; consumerLag: { available: boolean; error: string | null }; outbox: { available: boolean }[] };
      // The first poll has answered once the lag says why it is unavailable.
      return body.consumerLag.error !== 'not asked yet' ? body : undefined;
    }, { timeoutMs: 30_000 });
    expect(overview.feed.connected).toBe(false);
    expect(overview.consumerLag.available).toBe(false);
    // No service runs here either: each is said to be unavailable, none hides the page.
    expect(overview.outbox.every((b) => !b.available)).toBe(true);
  });

  it('exits 0 on SIGTERM with the feed still trying', async () => {
    expect(await proc!.stop()).toBe(0);
  });
});
