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
