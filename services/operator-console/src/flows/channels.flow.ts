// The Channels screen: the bank adapter's channels as the browser sees them, and forcing one off or
// on. Acting needs the operator role (or admin); the bank adapter writes the audit row naming the person.
import { ApiError } from '@gateway/contracts';
import type { ChannelHistory, ChannelStatsResponse, ChannelWindowStats } from '@gateway/contracts';
import type { ServiceClient } from '../clients/service-client.ts';
import { hasRole } from '../domain/operators.ts';
import type { Operator } from '../domain/operators.ts';

export type ConsoleChannel = {
  channelId: string;
  kind: 'bank' | 'wallet';
  displayName: string;
  state: string;
  available: boolean;
  forcedOff: { by: string; at: string; reason: string | null } | null;
};

function forBrowser(channel: ConsoleChannel): ConsoleChannel {
  const { channelId, kind, displayName, state, available, forcedOff } = channel;
  return { channelId, kind, displayName, state, available, forcedOff };
}

/** A channel's numbers over the adapter's window, with the window's length. */
export type ChannelStats = { windowMinutes: number } & Omit<ChannelWindowStats, 'channelId'>;

/**
 * The channels with the adapter's recent numbers (a 15-minute window). The numbers are a second
 * call: when only they fail, the channels (and force-off) still show, with `stats: null`.
 */
export async function listChannels(bankAdapter: ServiceClient, operator: Operator): Promise<(ConsoleChannel & { stats: ChannelStats | null })[]> {
  const [{ channels }, stats] = await Promise.all([
    bankAdapter.call<{ channels: ConsoleChannel[] }>('GET', '/v1/channels', { person: operator.username }),
    bankAdapter.call<ChannelStatsResponse>('GET', '/v1/channels/stats?windowMinutes=15', { person: operator.username }).catch(() => null),
  ]);
  return channels.map((c) => {
    const s = stats?.channels.find((x) => x.channelId === c.channelId);
    if (stats === null || s === undefined) return { ...forBrowser(c), stats: null };
    const { attempted, succeeded, failed, successRate, p95LatencyMs, resolving } = s;
    return { ...forBrowser(c), stats: { windowMinutes: stats.windowMinutes, attempted, succeeded, failed, successRate, p95LatencyMs, resolving } };
  });
}

/** A channel's health history (newest first, the last 50) and the unknown outcomes it is resolving. */
export function channelDetails(bankAdapter: ServiceClient, operator: Operator, channelId: string): Promise<ChannelHistory> {
  return bankAdapter.call<ChannelHistory>('GET', `/v1/channels/${encodeURIComponent(channelId)}/history?limit=50`, { person: operator.username });
}

export async function switchChannel(bankAdapter: ServiceClient, operator: Operator, request: { channelId: string; to: 'off' | 'on'; reason: string }): Promise<ConsoleChannel> {
  if (!hasRole(operator.role, 'operator')) throw new ApiError('forbidden', 'Forcing a channel off or on needs the operator role.');
  const path = `/v1/channels/${encodeURIComponent(request.channelId)}/force-${request.to}`;
  const channel = await bankAdapter.call<ConsoleChannel>('POST', path, { person: operator.username, body: { reason: request.reason } });
  return forBrowser(channel);
}
