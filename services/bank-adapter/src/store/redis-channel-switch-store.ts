// The operator's off switch per channel, in Redis so every replica obeys the same one. Redis is the
// right home: the flag is operational state, not a record (the audit_log in Postgres is the record
// of who flipped it), and losing it on a flush fails open to "on", the state every channel starts in.
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { ForcedOff } from '../channels/channel-gateway.ts';

const keyPrefix = 'bank-adapter:forced-off:';

const forcedOffSchema = z.object({ by: z.string(), at: z.string(), reason: z.string().nullable() });

export type ChannelSwitchStore = {
  forceOff(channelId: string, value: ForcedOff): Promise<void>;
  forceOn(channelId: string): Promise<void>;
  /** Every channel forced off now, by id. */
  read(channelIds: readonly string[]): Promise<Map<string, ForcedOff>>;
};

export function createChannelSwitchStore(redis: Redis, namespace = ''): ChannelSwitchStore {
  const key = (channelId: string) => `${keyPrefix}${namespace}${channelId}`;
  return {
    async forceOff(channelId, value) {
      await redis.set(key(channelId), JSON.stringify(value));
    },
    async forceOn(channelId) {
      await redis.del(key(channelId));
    },
    async read(channelIds) {
      const out = new Map<string, ForcedOff>();
      if (channelIds.length === 0) return out;
      const values = await redis.mget(...channelIds.map(key));
      channelIds.forEach((channelId, i) => {
        const raw = values[i];
        if (raw === null || raw === undefined) return;
        const parsed = forcedOffSchema.safeParse(JSON.parse(raw));
        // A value we cannot read still means someone switched the channel off: honour it.
        out.set(channelId, parsed.success ? parsed.data : { by: 'unknown', at: new Date(0).toISOString(), reason: 'unreadable switch value' });
      });
      return out;
    },
  };
}
