// The Messages screen's calls to the console backend (/api/messages, /api/opt-outs, /api/campaigns).
// The shapes are notification's own, from packages/contracts (types only: nothing of zod is bundled).
import type { CampaignList, CampaignPreview, CampaignProgressView, CreateCampaignBody, OptOutList, OptOutState, SmsMessages } from '@gateway/contracts';
import { request } from './api.ts';

export type { CampaignPreview, CampaignProgressView, CreateCampaignBody, OptOutState, SmsMessage } from '@gateway/contracts';
export type CampaignSegmentBody = CreateCampaignBody['segment'];

export const MESSAGES_KEY = ['messages'];
export const OPT_OUTS_KEY = ['opt-outs'];
export const CAMPAIGNS_KEY = ['campaigns'];

function query(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) search.set(name, value);
  return search.toString();
}

export function listMessages(to: string): Promise<SmsMessages> {
  return request('GET', `/api/messages?${query({ to, limit: '50' })}`);
}

export function getOptOut(msisdn: string): Promise<OptOutState> {
  return request('GET', `/api/opt-outs?${query({ msisdn })}`);
}

export function listOptOuts(cursor?: string): Promise<OptOutList> {
  return request('GET', `/api/opt-outs?${query({ limit: '20', cursor })}`);
}

export function listCampaigns(): Promise<CampaignList> {
  return request('GET', '/api/campaigns?limit=50');
}

export function previewCampaign(segment: CampaignSegmentBody): Promise<CampaignPreview> {
  return request('POST', '/api/campaigns/preview', { segment });
}

/** `formKey`: made once when the form opened, so a second submit of the same form creates nothing more. */
export function createCampaign(body: CreateCampaignBody, formKey: string): Promise<CampaignProgressView> {
  return request('POST', '/api/campaigns', body, { 'idempotency-key': formKey });
}

export function cancelCampaign(campaignId: string, reason: string): Promise<CampaignProgressView> {
  return request('POST', `/api/campaigns/${encodeURIComponent(campaignId)}/cancel`, { reason });
}
