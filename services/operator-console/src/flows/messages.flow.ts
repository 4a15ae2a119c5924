// The Messages screen over notification's operator routes: a subscriber's SMS, opt-outs, campaigns
// (preview, create, progress, cancel). Reading is for every role; creating and cancelling need the
// operator role (or admin) and are refused here before anything is sent. Notification writes the
// audit rows, naming the person (x-operator-person → `operator-console/<username>`).
import { ApiError } from '@gateway/contracts';
import type { CampaignList, CampaignPreview, CampaignProgressView, CreateCampaignBody, OptOutList, OptOutState, SmsMessages } from '@gateway/contracts';
import type { ServiceClient } from '../clients/service-client.ts';
import { hasRole } from '../domain/operators.ts';
import type { Operator } from '../domain/operators.ts';

/** Notification among the services the console calls (main.ts names every one). */
export function notificationOf(services: Record<string, ServiceClient>): ServiceClient {
  const client = Object.hasOwn(services, 'notification') ? services.notification : undefined;
  if (client === undefined) throw new ApiError('service_unavailable', 'Notification is not configured in this console.');
  return client;
}

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) search.set(name, String(value));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

function mustAct(operator: Operator, what: string): void {
  if (!hasRole(operator.role, 'operator')) throw new ApiError('forbidden', `${what} needs the operator role.`);
}

export function listMessages(notification: ServiceClient, operator: Operator, q: { to: string; limit?: number | undefined }): Promise<SmsMessages> {
  return notification.call('GET', `/v1/messages${query({ to: q.to, limit: q.limit })}`, { person: operator.username });
}

export function getOptOut(notification: ServiceClient, operator: Operator, msisdn: string): Promise<OptOutState> {
  return notification.call('GET', `/v1/opt-outs${query({ msisdn })}`, { person: operator.username });
}

export function listOptOuts(notification: ServiceClient, operator: Operator, page: { limit?: number | undefined; cursor?: string | undefined }): Promise<OptOutList> {
  return notification.call('GET', `/v1/opt-outs${query(page)}`, { person: operator.username });
}

export function listCampaigns(notification: ServiceClient, operator: Operator, page: { limit?: number | undefined; cursor?: string | undefined }): Promise<CampaignList> {
  return notification.call('GET', `/v1/campaigns${query(page)}`, { person: operator.username });
}

export function getCampaign(notification: ServiceClient, operator: Operator, campaignId: string): Promise<CampaignProgressView> {
  return notification.call('GET', `/v1/campaigns/${encodeURIComponent(campaignId)}`, { person: operator.username });
}

/** A read, so any role may preview; it is a POST only because a segment can list 10,000 accounts. */
export function previewCampaign(notification: ServiceClient, operator: Operator, body: { segment: CreateCampaignBody['segment'] }): Promise<CampaignPreview> {
  return notification.call('POST', '/v1/campaigns/preview', { person: operator.username, body });
}

/**
 * The browser makes the form's key (a UUID, once when the form opens) and sends it with every submit
 * of that form, so a double submit, or a retry after a timeout, creates one campaign: notification
 * answers the second with the first's 201. The key is prefixed with the person: notification scopes
 * keys by client, and every person signs as the console, so without it two people's keys could meet.
 */
export function createCampaign(notification: ServiceClient, operator: Operator, body: CreateCampaignBody, formKey: string): Promise<CampaignProgressView> {
  mustAct(operator, 'Creating a campaign');
  return notification.call('POST', '/v1/campaigns', { person: operator.username, body, headers: { 'idempotency-key': `console-campaign-${operator.username}-${formKey}` } });
}

export function cancelCampaign(notification: ServiceClient, operator: Operator, campaignId: string, reason: string): Promise<CampaignProgressView> {
  mustAct(operator, 'Cancelling a campaign');
  return notification.call('POST', `/v1/campaigns/${encodeURIComponent(campaignId)}/cancel`, { person: operator.username, body: { reason } });
}
