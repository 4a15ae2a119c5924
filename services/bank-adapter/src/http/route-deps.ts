// What every route of this service is built from; main.ts (through app.ts) or a test passes it in.
import type { Logger } from '@gateway/kit';
import type { Pool } from 'pg';
import type { ChannelGateway } from '../channels/channel-gateway.ts';
import type { ChannelSwitchStore } from '../store/redis-channel-switch-store.ts';

export type RouteDeps = {
  pool: Pool;
  logger: Logger;
  gateway: ChannelGateway;
  switches: ChannelSwitchStore;
  /** Where channel.health-changed goes; channels.results unless a test says otherwise. */
  resultsTopic?: string | undefined;
  now?: (() => Date) | undefined;
};
