// Server-side sessions in Redis: `console:session:<id>`, where the id is 32 random bytes (base64url),
// the only thing the browser holds. Each use renews the idle timeout, never past the absolute age.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

export type Session = { id: string; username: string; csrfToken: string; createdAt: number };
type Stored = Omit<Session, 'id'>;

export type SessionStore = {
  create(username: string): Promise<Session>;
  /** The live session with this id, its idle timeout renewed; null when absent, idle too long or too old. */
  touch(id: string): Promise<Session | null>;
  remove(id: string): Promise<void>;
};

export const sessionKeyPrefix = 'console:session:';

export function createSessionStore(redis: Redis, options: { idleMs: number; maxAgeMs: number; now?: () => number }): SessionStore {
  const now = options.now ?? Date.now;
  const key = (id: string) => `${sessionKeyPrefix}${id}`;
  return {
    async create(username) {
      const session: Session = { id: randomBytes(32).toString('base64url'), username, csrfToken: randomBytes(32).toString('base64url'), createdAt: now() };
      const stored: Stored = { username, csrfToken: session.csrfToken, createdAt: session.createdAt };
      await redis.set(key(session.id), JSON.stringify(stored), 'PX', Math.min(options.idleMs, options.maxAgeMs));
      return session;
    },
    async touch(id) {
      // Only the shape we issue is looked up: anything else is no session without a Redis call.
      if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return null;
      const text = await redis.get(key(id));
      if (text === null) return null;
      const stored = JSON.parse(text) as Stored;
      const left = stored.createdAt + options.maxAgeMs - now();
      if (left <= 0) {
        await redis.del(key(id));
        return null;
      }
      await redis.pexpire(key(id), Math.min(options.idleMs, left));
      return { id, ...stored };
    },
    async remove(id) {
      await redis.del(key(id));
    },
  };
}
