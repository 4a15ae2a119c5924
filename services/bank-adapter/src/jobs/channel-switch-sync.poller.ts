// Keeps this replica's view of the operators' off switches in step with Redis, where they live. The
// replica that takes the operator's request applies it at once; the others follow within one
// interval. A Redis outage keeps the last view rather than switching everything back on.
import type { Logger } from '@gateway/kit';
import type { ChannelGateway } from '../channels/channel-gateway.ts';
import { syncChannelSwitches } from '../flows/sync-channel-switches.flow.ts';
import type { ChannelSwitchStore } from '../store/redis-channel-switch-store.ts';

export type ChannelSwitchSync = { start(): void; sync(): Promise<void>; stop(): Promise<void> };

export function createChannelSwitchSync(options: { store: ChannelSwitchStore; gateway: ChannelGateway; logger: Logger; intervalMs: number }): ChannelSwitchSync {
  const { store, gateway } = options;
  const log = options.logger.child({ component: 'channel-switch' });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const sync = (): Promise<void> => syncChannelSwitches({ switches: store, gateway, logger: log });

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
