// The Outbox screen: every service's parked outbox rows (events Kafka refuses) side by side, and
// putting one back in line. A service that does not answer is shown as unavailable with one line,
// so one service down never hides the others' rows.
import { randomUUID } from 'node:crypto';
import { ApiError } from '@gateway/contracts';
import type { ParkedRowView } from '@gateway/kit';
import type { ServiceClient } from '../clients/service-client.ts';
import { hasRole } from '../domain/operators.ts';
import type { Operator } from '../domain/operators.ts';

export type ServiceParked = { service: string; available: boolean; rows: ParkedRowView[]; error?: string };

export async function listParked(services: Record<string, ServiceClient>, operator: Operator): Promise<ServiceParked[]> {
  return Promise.all(
    Object.entries(services).map(async ([service, client]): Promise<ServiceParked> => {
      try {
        const { parked } = await client.call<{ parked: ParkedRowView[] }>('GET', '/v1/outbox/parked', { person: operator.username });
        return { service, available: true, rows: parked };
      } catch (error) {
        return { service, available: false, rows: [], error: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
}

/**
 * A fresh Idempotency-Key per click, not one derived from the session and the event: a row Kafka
 * refuses again is parked again under the same event id, and a derived key would answer that second
 * replay with the first one's cached 200 without un-parking anything. A double click still replays
 * once: the second request finds the row no longer parked and is a 404.
 */
export async function replayParked(
  services: Record<string, ServiceClient>,
  operator: Operator,
  request: { service: string; eventId: string },
): Promise<{ eventId: string; status: 'unparked' }> {
  if (!hasRole(operator.role, 'operator')) throw new ApiError('forbidden', 'Replaying an outbox event needs the operator role.');
  const client = Object.hasOwn(services, request.service) ? services[request.service] : undefined;
  if (client === undefined) throw new ApiError('not_found', `No service is called ${request.service}.`);
  return client.call('POST', `/v1/outbox/parked/${encodeURIComponent(request.eventId)}/replay`, {
    person: operator.username,
    headers: { 'idempotency-key': `console-replay-${randomUUID()}` },
  });
}
