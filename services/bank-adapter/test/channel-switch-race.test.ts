// The off switch against the poller that follows Redis: a sync whose Redis read began before an
// operator's switch must not put the old state back into this replica's view. Before the fix the
// view flipped back for one poll interval, and the operator's answer could show the old state.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { testInfra, testLogger } from '@gateway/testkit';
import { Redis } from 'ioredis';
import { switchChannel } from '../src/flows/switch-channel.flow.ts';
import { syncChannelSwitches } from '../src/flows/sync-channel-switches.flow.ts';
import { createChannelSwitchStore } from '../src/store/redis-channel-switch-store.ts';
import type { ChannelSwitchStore } from '../src/store/redis-channel-switch-store.ts';
import { startAdapterHarness } from './support/adapter-harness.ts';
import type { AdapterHarness } from './support/adapter-harness.ts';

let h: AdapterHarness;
let redis: Redis;
const run = randomUUID().slice(0, 8);

beforeAll(async () => {
  h = await startAdapterHarness();
  redis = new Redis(testInfra().redisUrl);
});
afterAll(async () => {
  await redis?.quit();
  await h?.close();
});

/** The real store, whose reads are made at once but handed back only when the test says. */
function heldReads(store: ChannelSwitchStore): { store: ChannelSwitchStore; release: () => void; readStarted: Promise<void> } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let started!: () => void;
  const readStarted = new Promise<void>((resolve) => (started = resolve));
  return {
    store: {
      ...store,
      async read(ids) {
        const flags = await store.read(ids);
        started();
        await released;
        return flags;
      },
    },
    release,
    readStarted,
  };
}

describe('channel off switch and the switch poller', () => {
  it.each([
    ['off', { by: `ops-${run}`, at: new Date().toISOString(), reason: 'bank maintenance window' }],
    ['on', null],
  ] as const)('a force-%s taken during a poll keeps its state in this replica', async (_name, to) => {
    const store = createChannelSwitchStore(redis, `${run}-${_name}:`);
    const gateway = h.adapter.gateway;
    // Start from the opposite state, in Redis and in the view alike.
    const opposite = to === null ? { by: `ops-${run}`, at: new Date().toISOString(), reason: 'before the test' } : null;
    if (opposite === null) await store.forceOn('bank-alpha');
    else await store.forceOff('bank-alpha', opposite);
    gateway.setForcedOff('bank-alpha', opposite);

    const held = heldReads(store);
    const poll = syncChannelSwitches({ switches: held.store, gateway, logger: testLogger('switch-race') });
    await held.readStarted;
    await switchChannel(
      { pool: h.db.pool, gateway, switches: store, resultsTopic: h.topics.results },
      { channelId: 'bank-alpha', to, actor: `ops-${run}`, reason: 'race test', requestId: randomUUID(), correlationId: randomUUID() },
    );
    held.release();
    await poll;

    expect(gateway.state('bank-alpha') === 'forced_off').toBe(to !== null);
    // And the next poll, reading the flag the switch wrote, agrees.
    await syncChannelSwitches({ switches: store, gateway, logger: testLogger('switch-race') });
    expect(gateway.state('bank-alpha') === 'forced_off').toBe(to !== null);
    gateway.setForcedOff('bank-alpha', null);
  });
});
