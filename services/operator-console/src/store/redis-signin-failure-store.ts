// Failed sign-ins per username, counted in Redis so every console instance sees the same count. The
// window starts at the first failure and lasts the lock-out period (a fixed window: the lock-out ends
// when it does, as Retry-After says).
import type { Redis } from 'ioredis';

export type SignInFailureStore = {
  /** Failures in the current window and the ms until it ends (0 when there is none). */
  current(username: string): Promise<{ count: number; resetsInMs: number }>;
  /** Counts one failure; resolves to the failures in the window, this one included. */
  record(username: string): Promise<number>;
  clear(username: string): Promise<void>;
};

// KEYS[1]: the counter; ARGV[1]: the window in ms. The expiry is set with the first failure only.
const recordLua = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

export function createSignInFailureStore(redis: Redis, options: { windowMs: number }): SignInFailureStore {
  // Usernames are looked up as typed; the counter is per lower-cased name so case games do not reset it.
  const key = (username: string) => `console:signin-failures:${username.toLowerCase()}`;
  return {
    async current(username) {
      const [[, count], [, ttl]] = (await redis.multi().get(key(username)).pttl(key(username)).exec()) as [[null, string | null], [null, number]];
      return { count: Number(count ?? 0), resetsInMs: Math.max(0, ttl) };
    },
    async record(username) {
      return Number(await redis.eval(recordLua, 1, key(username), options.windowMs));
    },
    async clear(username) {
      await redis.del(key(username));
    },
  };
}
