// "Intents needing a person": the console's GET /api/intents (orchestration's reconciliation queue
// with the bank adapter's debit of each intent).
import type { IntentDebit, QueuedIntent as OrchestrationQueuedIntent } from '@gateway/contracts';
import { request } from './api.ts';

// The services' shapes (contracts, types only): orchestration's queued intent with the bank adapter's
// record of its debits.
export type AdapterDebit = IntentDebit;
export type QueuedIntent = OrchestrationQueuedIntent & { debits: AdapterDebit[] };

export interface IntentQueuePage {
  intents: QueuedIntent[];
  nextCursor: string | null;
  debitsAvailable: boolean;
}

export function listIntentQueue(cursor: string | undefined): Promise<IntentQueuePage> {
  const params = new URLSearchParams({ status: 'reconciliation' });
  if (cursor !== undefined) params.set('cursor', cursor);
  return request<IntentQueuePage>('GET', `/api/intents?${params.toString()}`);
}

/** The operator refund of an intent flagged payment_refused (orchestration answers any other with a 409 and why). */
export function refundIntent(intentId: string, reason: string): Promise<unknown> {
  return request('POST', `/api/intents/${encodeURIComponent(intentId)}/refund`, { reason });
}
