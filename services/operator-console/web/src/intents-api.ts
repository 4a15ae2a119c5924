// "Intents needing a person": the console's GET /api/intents (orchestration's reconciliation queue
// with the bank adapter's debit of each intent).
import { request } from './api.ts';

export interface MoneyValue {
  amount: number;
  currency: string;
}

export interface QueueEntry {
  channelId: string;
  reason: string;
  detail: string;
  status: string | null;
  moneyMoved: 'yes' | 'unknown';
  channelTxnId: string | null;
  amount: MoneyValue | null;
  openedAt: string;
  resolvedAt: string | null;
  resolution: string | null;
}

export interface AdapterDebit {
  reference: string;
  state: string;
  amount: MoneyValue;
  channelRef: string | null;
  channelTxnId: string | null;
  failure: { reason: string | null; code: string | null; message: string | null } | null;
  inquiryAttempts: number;
  sentAt: string | null;
  answeredAt: string | null;
  unknownSince: string | null;
  nextInquiryAt: string | null;
  lastError: string | null;
  updatedAt: string;
}

export interface QueuedIntent {
  intentId: string;
  /** false: a channel result for an intent orchestration does not have (its own fields are null). */
  known: boolean;
  status: string | null;
  reason: string;
  detail: string;
  since: string;
  amount: MoneyValue | null;
  fee: MoneyValue | null;
  channelId: string;
  billerId: string | null;
  accountNo: string | null;
  payer: { msisdn: string | null; accountNo: string | null } | null;
  billIds: string[];
  createdAt: string | null;
  expiresAt: string | null;
  evidence: {
    lastError: { reason: string; message: string; channelCode: string | null } | null;
    unknownSince: string | null;
    inquiryAttempts: number;
    channelRef: string | null;
    channelTxnId: string | null;
    refundStatus: string | null;
    entries: QueueEntry[];
  };
  debits: AdapterDebit[];
}

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
