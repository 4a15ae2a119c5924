// Per-client rate limit in Redis: 429 rate_limited in the catalogue's body with Retry-After, counted
// per authenticated client (another client keeps its own budget).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startHarness } from './support/harness.ts';
import type { Harness } from './support/harness.ts';

describe('rate limit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { RATE_LIMIT_PER_MINUTE: '3' } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('answers 429 rate_limited with Retry-After once a client is over its limit, and only that client', async () => {
    for (let i = 0; i < 3; i++) expect((await h.send('GET', '/v1/billers')).status).toBe(200);
    const limited = await h.send('GET', '/v1/billers');
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(limited.body.error.requestId).toEqual(expect.any(String));
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect((await h.send('GET', '/v1/billers', { as: 'wallet-one' })).status).toBe(200);
  });
});
