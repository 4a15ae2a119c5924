import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { HttpServer } from '@gateway/kit';
import { waitFor } from '@gateway/testkit';
import { sessionKeyPrefix } from '../src/store/redis-session-store.ts';
import { browser, startConsoleHarness } from './support/console-harness.ts';
import type { ConsoleHarness } from './support/console-harness.ts';

let h: ConsoleHarness;
let app: HttpServer;

type Channel = { channelId: string; state: string; available: boolean; forcedOff: { by: string; reason: string | null } | null };

beforeAll(async () => {
  h = await startConsoleHarness();
  app = await h.build();
});
afterAll(async () => {
  await h?.close();
});

describe('sign-in', () => {
  it('signs a person in: their user and a CSRF token, and a session cookie that is httpOnly, SameSite=Strict, Path=/', async () => {
    const b = browser(app);
    const res = await b.signIn(h.users.operator);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: { username: h.users.operator, displayName: 'The operator', role: 'operator' }, csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^console_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    const me = await b.send('GET', '/api/session');
    expect(me).toMatchObject({ status: 200, body: res.body });
  });

  it('marks the cookie Secure when configured to', async () => {
    const res = await browser(await h.build({ cookieSecure: true })).signIn(h.users.viewer);
    expect(String(res.headers['set-cookie'])).toMatch(/; Secure/);
  });

  it('answers one 401 for a wrong password and for an unknown username, and no session without one', async () => {
    const wrong = await browser(app).signIn(h.users.admin, 'not the password');
    const unknown = await browser(app).signIn(`nobody-${h.run}`);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect((wrong.body as unknown as { error: { code: string; message: string } }).error).toMatchObject({ code: 'unauthenticated', message: 'Wrong username or password.' });
    expect((unknown.body as unknown as { error: { message: string } }).error.message).toBe('Wrong username or password.');
    expect(wrong.headers['set-cookie']).toBeUndefined();
    expect((await browser(app).send('GET', '/api/session')).status).toBe(401);
    expect((await browser(app).send('GET', '/api/channels')).status).toBe(401);
  });

  it('locks a username out after SIGNIN_MAX_FAILURES failures: 429 with Retry-After, even with the right password', async () => {
    const lockable = await h.build({ maxFailures: 3, lockoutMs: 60_000 });
    await h.redis.del(`console:signin-failures:${h.users.admin}`); // the failure of the test above
    for (let i = 0; i < 3; i++) expect((await browser(lockable).signIn(h.users.admin, `guess ${i}`)).status).toBe(401);
    const locked = await browser(lockable).signIn(h.users.admin);
    expect(locked.status).toBe(429);
    expect((locked.body as unknown as { error: { code: string } }).error.code).toBe('rate_limited');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(60);
    // Another username is not locked.
    expect((await browser(lockable).signIn(h.users.viewer)).status).toBe(200);
    await h.redis.del(`console:signin-failures:${h.users.admin}`);
  });
});

describe('sessions', () => {
  it('ends a session left idle past SESSION_IDLE_TIMEOUT', async () => {
    const short = await h.build({ idleMs: 1_000 });
    const b = browser(short);
    expect((await b.signIn(h.users.viewer)).status).toBe(200);
    expect((await b.send('GET', '/api/session')).status).toBe(200);
    const id = b.cookie!.split('=')[1]!;
    // Watched in Redis, not through the console: every request through it renews the session.
    await waitFor(async () => (await h.redis.exists(`${sessionKeyPrefix}${id}`)) === 0, { message: 'the idle session to expire' });
    expect((await b.send('GET', '/api/session')).status).toBe(401);
  });

  it('renews the idle timeout on use', async () => {
    const b = browser(await h.build({ idleMs: 60_000 }));
    await b.signIn(h.users.viewer);
    const key = `${sessionKeyPrefix}${b.cookie!.split('=')[1]!}`;
    await h.redis.pexpire(key, 5_000);
    await b.send('GET', '/api/session');
    expect(await h.redis.pttl(key)).toBeGreaterThan(5_000);
  });

  it('ends a session past SESSION_MAX_AGE however busy it is', async () => {
    let clock = Date.now();
    const b = browser(await h.build({ maxAgeMs: 8 * 3_600_000, now: () => clock }));
    await b.signIn(h.users.viewer);
    clock += 8 * 3_600_000 - 1_000;
    expect((await b.send('GET', '/api/session')).status).toBe(200);
    clock += 2_000;
    expect((await b.send('GET', '/api/session')).status).toBe(401);
  });

  it('signs out: DELETE needs the CSRF header, then the session is gone', async () => {
    const b = browser(app);
    await b.signIn(h.users.viewer);
    expect((await b.send('DELETE', '/api/session', undefined, { csrf: null })).status).toBe(403);
    expect((await b.send('DELETE', '/api/session')).status).toBe(204);
    expect((await b.send('GET', '/api/session')).status).toBe(401);
  });
});

describe('channels', () => {
  it('lists the bank adapter channels to every role', async () => {
    const b = browser(app);
    await b.signIn(h.users.viewer);
    const res = await b.send<{ channels: Channel[] }>('GET', '/api/channels');
    expect(res.status).toBe(200);
    expect(res.body.channels.map((c) => c.channelId)).toEqual(['bank-alpha', 'wallet-one', 'wallet-two']);
    expect(Object.keys(res.body.channels[0]!).sort()).toEqual(['available', 'channelId', 'displayName', 'forcedOff', 'kind', 'state', 'stats']);
  });

  it('refuses an action without the CSRF token (403) or with another session’s, and nothing changes', async () => {
    const b = browser(app);
    await b.signIn(h.users.operator);
    const other = await browser(app).signIn(h.users.operator);
    const missing = await b.send('POST', '/api/channels/wallet-two/force-off', { reason: 'maintenance' }, { csrf: null });
    expect(missing.status).toBe(403);
    expect((missing.body as { error: { code: string } }).error.code).toBe('forbidden');
    expect((await b.send('POST', '/api/channels/wallet-two/force-off', { reason: 'maintenance' }, { csrf: other.body.csrfToken })).status).toBe(403);
    expect(h.adapter.adapter.gateway.state('wallet-two')).toBe('closed');
  });

  it('refuses a viewer forcing a channel off (403) and nothing changes at the bank adapter', async () => {
    const b = browser(app);
    await b.signIn(h.users.viewer);
    const res = await b.send('POST', '/api/channels/wallet-two/force-off', { reason: 'maintenance' });
    expect(res.status).toBe(403);
    expect((res.body as { error: { code: string } }).error.code).toBe('forbidden');
    expect(h.adapter.adapter.gateway.state('wallet-two')).toBe('closed');
    const { rowCount } = await h.adapter.db.pool.query("SELECT 1 FROM audit_log WHERE action LIKE 'channel.force-%'");
    expect(rowCount).toBe(0);
  });

  it('requires a reason of 3 to 500 characters', async () => {
    const b = browser(app);
    await b.signIn(h.users.operator);
    for (const body of [{}, { reason: 'no' }, { reason: '   ' }, { reason: 'x'.repeat(501) }]) {
      expect((await b.send('POST', '/api/channels/wallet-two/force-off', body)).status).toBe(400);
    }
    expect(h.adapter.adapter.gateway.state('wallet-two')).toBe('closed');
  });

  it('lets an operator force a channel off and on: the bank adapter shows it, and its audit rows name the person', async () => {
    const b = browser(app);
    await b.signIn(h.users.operator);
    const off = await b.send<Channel>('POST', '/api/channels/wallet-two/force-off', { reason: 'wallet maintenance' });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ channelId: 'wallet-two', state: 'forced_off', available: false, forcedOff: { by: `${h.consoleClientId}/${h.users.operator}`, reason: 'wallet maintenance' } });
    // What the bank adapter's own GET /v1/channels says, through the console and at the gateway.
    const listed = await b.send<{ channels: Channel[] }>('GET', '/api/channels');
    expect(listed.body.channels.find((c) => c.channelId === 'wallet-two')).toMatchObject({ state: 'forced_off', available: false });
    expect(h.adapter.adapter.gateway.state('wallet-two')).toBe('forced_off');

    const on = await b.send<Channel>('POST', '/api/channels/wallet-two/force-on', { reason: 'maintenance over' });
    expect(on.body).toMatchObject({ state: 'closed', available: true, forcedOff: null });

    const { rows } = await h.adapter.db.pool.query<{ actor: string; action: string; reason: string }>(
      "SELECT actor, action, detail->>'reason' AS reason FROM audit_log WHERE target = 'wallet-two' ORDER BY id",
    );
    expect(rows).toEqual([
      { actor: `${h.consoleClientId}/${h.users.operator}`, action: 'channel.force-off', reason: 'wallet maintenance' },
      { actor: `${h.consoleClientId}/${h.users.operator}`, action: 'channel.force-on', reason: 'maintenance over' },
    ]);
  });

  it('passes the bank adapter’s 404 for an unknown channel through', async () => {
    const b = browser(app);
    await b.signIn(h.users.admin);
    const res = await b.send('POST', '/api/channels/no-such-channel/force-off', { reason: 'testing' });
    expect(res.status).toBe(404);
    expect((res.body as { error: { code: string } }).error.code).toBe('not_found');
  });
});

describe('the web application', () => {
  it('answers 503 with a one-line hint when the SPA is not built, and serves strict security headers', async () => {
    const res = await app.inject({ method: 'GET', url: '/channels' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toMatch(/^The console.s web app is not built: run .*\n$/);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-frame-options']).toBe('DENY');
    // An unknown API path is the API's 404, never the SPA's page.
    expect((await app.inject({ method: 'GET', url: '/api/nothing-here' })).json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('answers /healthz, /readyz (Redis) and /metrics', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.json()).toMatchObject({ status: 'ready', checks: { redis: { status: 'up' } } });
    expect((await app.inject({ method: 'GET', url: '/metrics' })).body).toContain('http_request_duration_seconds');
  });
});
