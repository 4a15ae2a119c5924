// The Audit and Settings screens' API (admin only) over real Redis and the real bank adapter: the
// console's own sign-in events beside the bank adapter's audit rows, merged newest first and paged;
// billing (nothing listening) is unavailable, not a 5xx.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { HttpServer } from '@gateway/kit';
import { browser, startConsoleHarness } from './support/console-harness.ts';
import type { ConsoleHarness } from './support/console-harness.ts';

let h: ConsoleHarness;
let app: HttpServer;

type Entry = { service: string; id: string; at: string; actor: string; action: string; target: string; detail: Record<string, unknown> };
type Page = { entries: Entry[]; sources: { service: string; available: boolean; error?: string }[]; nextCursor: string | null };

beforeAll(async () => {
  h = await startConsoleHarness();
  app = await h.build({ maxFailures: 2 });
});
afterAll(async () => {
  await h?.close();
});

async function admin() {
  const b = browser(app);
  expect((await b.signIn(h.users.admin)).status).toBe(200);
  return b;
}

describe('GET /api/audit', () => {
  it("shows an operator's force-off from the bank adapter naming the person and the reason, with billing unavailable", async () => {
    const op = browser(app);
    await op.signIn(h.users.operator);
    expect((await op.send('POST', '/api/channels/wallet-two/force-off', { reason: 'wallet audit test' })).status).toBe(200);

    const res = await (await admin()).send<Page>('GET', '/api/audit?service=bank-adapter');
    expect(res.status).toBe(200);
    expect(res.body.entries[0]).toMatchObject({
      service: 'bank-adapter',
      actor: `${h.consoleClientId}/${h.users.operator}`,
      action: 'channel.force-off',
      target: 'wallet-two',
      detail: expect.objectContaining({ reason: 'wallet audit test' }),
    });
    const all = await (await admin()).send<Page>('GET', '/api/audit');
    expect(all.status).toBe(200);
    expect(all.body.sources).toEqual(
      expect.arrayContaining([
        { service: 'bank-adapter', available: true },
        { service: 'operator-console', available: true },
        { service: 'billing', available: false, error: expect.stringMatching(/^Billing is not answering/) },
      ]),
    );
    expect(all.body.entries.some((e) => e.service === 'bank-adapter' && e.action === 'channel.force-off')).toBe(true);
  });

  it("records the console's sign-in, failures, lock-out, refusal while locked and sign-out, and shows them with the person", async () => {
    const someone = browser(app);
    expect((await someone.signIn(h.users.operator)).status).toBe(200);
    expect((await someone.send('DELETE', '/api/session')).status).toBe(204);
    // Guessing at a username nobody has (the real ones stay free for the other tests).
    const guessed = `guessed-${h.run}`;
    const guesser = browser(app);
    expect((await guesser.signIn(guessed, 'wrong one')).status).toBe(401);
    expect((await guesser.signIn(guessed, 'wrong two')).status).toBe(401);
    expect((await guesser.signIn(guessed, 'wrong three')).status).toBe(429);

    const res = await (await admin()).send<Page>('GET', '/api/audit?service=operator-console&limit=7');
    expect(res.status).toBe(200);
    // Newest first: the admin's own sign-in, then the story backwards.
    expect(res.body.entries.map((e) => [e.actor, e.action, e.target])).toEqual([
      [`${h.consoleClientId}/${h.users.admin}`, 'console.sign-in', h.users.admin],
      ['unauthenticated', 'console.sign-in-locked', guessed],
      ['unauthenticated', 'console.lock-out', guessed],
      ['unauthenticated', 'console.sign-in-failed', guessed],
      ['unauthenticated', 'console.sign-in-failed', guessed],
      [`${h.consoleClientId}/${h.users.operator}`, 'console.sign-out', h.users.operator],
      [`${h.consoleClientId}/${h.users.operator}`, 'console.sign-in', h.users.operator],
    ]);
    expect(res.body.entries[4]!.detail).toMatchObject({ failures: 1, maxFailures: 2, ip: expect.any(String) });
    expect(res.body.entries[3]!.detail).toMatchObject({ failures: 2, maxFailures: 2 });
    const byOperator = await (await admin()).send<Page>('GET', `/api/audit?service=operator-console&actor=${encodeURIComponent(`${h.consoleClientId}/${h.users.operator}`)}`);
    expect(byOperator.body.entries.map((e) => e.action)).toEqual(['console.sign-out', 'console.sign-in', 'console.sign-in']);
  });

  it('pages across the sources newest first with the cursor, never repeating a row, until nextCursor is null', async () => {
    const b = await admin();
    const whole = await b.send<Page>('GET', '/api/audit?limit=200');
    expect(whole.body.nextCursor).toBeNull();
    const seen: Entry[] = [];
    let cursor: string | null = '';
    for (let i = 0; i < 100 && cursor !== null; i++) {
      const page: { status: number; body: Page } = await b.send<Page>('GET', `/api/audit?limit=3${cursor === '' ? '' : `&cursor=${cursor}`}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.entries);
      cursor = page.body.nextCursor;
    }
    // Only the admin's sign-ins for these pages were written meanwhile, and they are newer than the first page.
    const key = (e: Entry) => `${e.service}:${e.id}`;
    expect(seen.map(key)).toEqual(whole.body.entries.map(key));
    expect(seen.length).toBeGreaterThan(6);
    const times = seen.map((e) => e.at);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('is for the admin role only, and refuses a bad parameter with 400', async () => {
    for (const role of ['viewer', 'operator'] as const) {
      const b = browser(app);
      await b.signIn(h.users[role]);
      for (const url of ['/api/audit', '/api/settings']) {
        const res = await b.send<{ error: { code: string } }>('GET', url);
        expect({ role, url, status: res.status, code: res.body.error.code }).toEqual({ role, url, status: 403, code: 'forbidden' });
      }
    }
    expect((await browser(app).send('GET', '/api/audit')).status).toBe(401);
    const b = await admin();
    for (const query of ['limit=0', 'limit=500', 'cursor=not-a-cursor', `cursor=${Buffer.from('{"billing":"0"}').toString('base64url')}`, 'service=nowhere', 'actor=a%00b', 'other=1']) {
      const res = await b.send<{ error: { code: string } }>('GET', `/api/audit?${query}`);
      expect({ query, status: res.status, code: res.body.error.code }).toEqual({ query, status: 400, code: 'invalid_request' });
    }
  });
});

describe('GET /api/settings', () => {
  it("shows the admin the console's effective settings and each service's reachability, and no secret", async () => {
    const res = await (await admin()).send<Record<string, unknown>>('GET', '/api/settings');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      consoleClientId: h.consoleClientId,
      sessionIdleTimeoutMs: 15 * 60_000,
      signInMaxFailures: 2,
      signInLockoutMs: 15 * 60_000,
      services: expect.arrayContaining([
        expect.objectContaining({ service: 'bank-adapter', reachable: true }),
        expect.objectContaining({ service: 'billing', url: 'http://127.0.0.1:1', reachable: false }),
      ]),
      operators: expect.arrayContaining([{ username: h.users.admin, displayName: 'The admin', role: 'admin' }]),
    });
    expect(JSON.stringify(res.body)).not.toMatch(/scrypt|secret|passwordHash|redis:/i);
  });
});
