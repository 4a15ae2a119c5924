// The Channels screen's details: each channel's recent numbers (folded into GET /api/channels) and
// its health history (GET /api/channels/{channelId}).
import type { ChannelHistory, ChannelWindowStats } from '@gateway/contracts';
import { request } from './api.ts';
import type { Channel } from './api.ts';

/** A channel's numbers over the bank adapter's window (its GET /v1/channels/stats), with the window's length. */
export type ChannelStats = { windowMinutes: number } & Omit<ChannelWindowStats, 'channelId'>;

export type ChannelWithStats = Channel & { stats: ChannelStats | null };

/** The bank adapter's GET /v1/channels/{channelId}/history, passed on. */
export type ChannelDetails = ChannelHistory;

export async function listChannelsWithStats(): Promise<ChannelWithStats[]> {
  return (await request<{ channels: ChannelWithStats[] }>('GET', '/api/channels')).channels;
}

export function channelDetails(channelId: string): Promise<ChannelDetails> {
  return request<ChannelDetails>('GET', `/api/channels/${encodeURIComponent(channelId)}`);
}
