// Keeps this replica's view of the operators' off switches in step with Redis, where they live. The
// replica that takes the operator's request applies it at once; the others follow within one
// interval. A Redis outage keeps the last view rather than switching everything back on.
import type { Logger } from '@gateway/kit';
import type { ChannelSwitchStore } from '../store/redis-channel-switch-store.ts';
import type { ChannelGateway } from './channel-gateway.ts';

export type ChannelSwitchSync = { start(): void; sync(): Promise<void>; stop(): Promise<void> };

export function createChannelSwitchSync(options: { store: ChannelSwitchStore; gateway: ChannelGateway; logger: Logger; intervalMs: number }): ChannelSwitchSync {
  const { store, gateway } = options;
  const log = options.logger.child({ component: 'channel-switch' });
  const ids = gateway.registry.channels.map((c) => c.channelId);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  async function sync(): Promise<void> {
    const flags = await store.read(ids);
    for (const id of ids) {
      const change = gateway.setForcedOff(id, flags.get(id) ?? null);
      if (change !== null) log.info({ channelId: id, from: change.from, to: change.to }, 'operator switch applied from the shared flag');
    }
  }

  function schedule(): void {
    timer = setTimeout(() => {
      running = sync()
        .catch((err: unknown) => log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not read the channel switches; keeping the last view'))
        .finally(() => {
          running = undefined;
          if (timer !== undefined) schedule();
        });
    }, options.intervalMs);
  }

  return {
    start() {
      if (timer === undefined) schedule();
    },
    sync,
    async stop() {
      clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
