// "Intents needing a person": the console's GET /api/intents (orchestration's reconciliation queue
// with the bank adapter's debit of each intent).
import { request } from './api.ts';

export interface MoneyValue {
  amount: number;
  currency: string;
}

export interface QueueEntry {
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
  status: string;
  reason: string;
  detail: string;
  since: string;
  amount: MoneyValue;
  fee: MoneyValue;
  channelId: string;
  billerId: string;
  accountNo: string;
  payer: { msisdn: string | null; accountNo: string | null };
  billIds: string[];
  createdAt: string;
  expiresAt: string;
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
