// "Intents needing a person": payment orchestration's reconciliation queue (GET /v1/intents), each
// intent with the bank adapter's record of its debit (GET /v1/debits: what the channel answered, the
// status inquiries made). The adapter's side is evidence, not the queue: when the adapter does not
// answer, the queue still shows, with `debitsAvailable: false`.
//
// No actions: the API offers none that applies to a queued intent today. Cancel is allowed only while
// an intent waits for its OTP, and a queued intent is unknown, failed, canceled or succeeded; the
// routes that work the queue (resolve, refund) are issue 15's.
import { ApiError } from '@gateway/contracts';
import type { IntentDebit, QueuedIntent, QueuedIntentList } from '@gateway/contracts';
import type { ServiceClient } from '../clients/service-client.ts';
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
