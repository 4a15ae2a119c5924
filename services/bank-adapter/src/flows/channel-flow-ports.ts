// What every flow that calls a channel takes (debits and refunds alike), built once per set of flows.
import type { Logger } from '@gateway/kit';
import type { Pool } from 'pg';
import type { ChannelGateway } from '../channels/channel-gateway.ts';

export type ChannelFlowPorts = {
  pool: Pool;
  gateway: ChannelGateway;
  logger: Logger;
  now: () => Date;
  /** Where results go; channels.results unless a test says otherwise. */
  resultsTopic?: string | undefined;
  /** Calls in flight in this process (`channelId reference`): the pollers leave them alone. */
  flying: Set<string>;
};

export type ChannelFlowDeps = {
  pool: Pool;
  gateway: ChannelGateway;
  logger: Logger;
  clock?: (() => Date) | undefined;
  resultsTopic?: string | undefined;
};

export function channelFlowPorts(deps: ChannelFlowDeps, component: string): ChannelFlowPorts {
  return {
    pool: deps.pool,
    gateway: deps.gateway,
    logger: deps.logger.child({ component }),
    now: deps.clock ?? (() => new Date()),
    resultsTopic: deps.resultsTopic,
    flying: new Set<string>(),
  };
}
