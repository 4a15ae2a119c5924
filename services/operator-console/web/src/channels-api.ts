// The Channels screen's details: each channel's recent numbers (folded into GET /api/channels) and
// its health history (GET /api/channels/{channelId}).
import { request } from './api.ts';
import type { Channel } from './api.ts';

export interface ChannelStats {
  windowMinutes: number;
  attempted: number;
  succeeded: number;
  failed: number;
  successRate: number | null;
  p95LatencyMs: number | null;
  resolving: number;
}

export type ChannelWithStats = Channel & { stats: ChannelStats | null };

export interface ChannelDetails {
  channelId: string;
  transitions: { from: string; to: string; at: string; reason: string | null; actor: string | null }[];
  resolving: { reference: string; intentId: string; amount: { amount: number; currency: string }; attempts: number; unknownSince: string | null; nextInquiryAt: string | null; lastError: string | null }[];
}

export async function listChannelsWithStats(): Promise<ChannelWithStats[]> {
  return (await request<{ channels: ChannelWithStats[] }>('GET', '/api/channels')).channels;
}

export function channelDetails(channelId: string): Promise<ChannelDetails> {
  return request<ChannelDetails>('GET', `/api/channels/${encodeURIComponent(channelId)}`);
}
