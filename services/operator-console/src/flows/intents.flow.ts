// "Intents needing a person": payment orchestration's reconciliation queue (GET /v1/intents), each
// intent with the bank adapter's record of its debit (GET /v1/debits: what the channel answered, the
// status inquiries made). The adapter's side is evidence, not the queue: when the adapter does not
// answer, the queue still shows, with `debitsAvailable: false`.
//
// One action: the operator refund (orchestration's POST /v1/payment-intents/{id}/refund), which gives
// back the debit of an intent flagged payment_refused with no refund yet; orchestration refuses any
// other intent with a 409 whose message the screen shows. Operator role (or admin), refused here
// before anything is sent; orchestration audits it with the person.
import { randomUUID } from 'node:crypto';
import { ApiError } from '@gateway/contracts';
import type { IntentDebit, IntentResponse, QueuedIntent, QueuedIntentList } from '@gateway/contracts';
import type { ServiceClient } from '../clients/service-client.ts';
import { hasRole } from '../domain/operators.ts';
import type { Operator } from '../domain/operators.ts';

export type IntentQueuePage = { intents: (QueuedIntent & { debits: IntentDebit[] })[]; nextCursor: string | null; debitsAvailable: boolean };

export const intentPageSize = 20;

export async function intentQueue(services: { orchestration: ServiceClient; bankAdapter: ServiceClient }, operator: Operator, cursor: string | undefined): Promise<IntentQueuePage> {
  const query = new URLSearchParams({ status: 'reconciliation', limit: String(intentPageSize) });
  if (cursor !== undefined) query.set('cursor', cursor);
  const page = await services.orchestration.call<QueuedIntentList>('GET', `/v1/intents?${query.toString()}`, { person: operator.username });
  let debits: IntentDebit[] = [];
  let debitsAvailable = true;
  if (page.intents.length > 0) {
    const ids = page.intents.map((i) => i.intentId).join(',');
    try {
      debits = (await services.bankAdapter.call<{ debits: IntentDebit[] }>('GET', `/v1/debits?intentIds=${encodeURIComponent(ids)}`, { person: operator.username })).debits;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      debitsAvailable = false;
    }
  }
  return {
    intents: page.intents.map((i) => ({ ...i, debits: debits.filter((d) => d.intentId === i.intentId) })),
    nextCursor: page.nextCursor,
    debitsAvailable,
  };
}

/**
 * A fresh Idempotency-Key per click: orchestration answers an intent refunded once with that refund
 * under any key (the intent row is locked), so a double click cannot give the money back twice.
 */
export function refundIntent(orchestration: ServiceClient, operator: Operator, request: { intentId: string; reason: string }): Promise<IntentResponse> {
  if (!hasRole(operator.role, 'operator')) throw new ApiError('forbidden', 'Refunding an intent needs the operator role.');
  return orchestration.call('POST', `/v1/payment-intents/${encodeURIComponent(request.intentId)}/refund`, {
    person: operator.username,
    body: { reason: request.reason },
    headers: { 'idempotency-key': `console-refund-${randomUUID()}` },
  });
}
