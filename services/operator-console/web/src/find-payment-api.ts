// "Find a payment": the console's search and one payment's timeline across the services (any role).
import { request } from './api.ts';

export interface MoneyValue {
  amount: number;
  currency: string;
}

export type SearchKey = 'receiptNo' | 'channelTxnId' | 'paymentId' | 'intentId' | 'accountNo' | 'msisdn';

export interface PaymentSummary {
  kind: 'payment' | 'intent';
  paymentId: string | null;
  intentId: string | null;
  receiptNo: string | null;
  channelId: string;
  channelTxnId: string | null;
  accountNo: string;
  amount: MoneyValue;
  status: string;
  at: string;
}

export interface SearchAnswer {
  q: string;
  searchedBy: SearchKey[];
  available: boolean;
  error?: string;
  results: PaymentSummary[];
}

export type TimelineService = 'payment-orchestration' | 'billing' | 'notification';

export interface TimelineEntry {
  at: string;
  service: TimelineService;
  kind: string;
  summary: string;
  data: Record<string, string | MoneyValue | null>;
  ids: Partial<Record<'paymentId' | 'intentId' | 'billId' | 'reversalId' | 'messageId' | 'eventId' | 'smscMessageId', string>>;
}

export interface TimelineAnswer {
  id: string;
  services: Record<TimelineService, { available: boolean; error?: string }>;
  payment: { paymentId: string; receiptNo: string; status: string; amount: MoneyValue; accountNo: string; channelId: string; intentId: string | null } | null;
  intent: { intentId: string; status: string; amount: MoneyValue; accountNo?: string; channelId: string } | null;
  entries: TimelineEntry[];
}

export function searchPayments(q: string): Promise<SearchAnswer> {
  return request<SearchAnswer>('GET', `/api/payments?q=${encodeURIComponent(q)}`);
}

export function paymentTimeline(id: string): Promise<TimelineAnswer> {
  return request<TimelineAnswer>('GET', `/api/payments/${encodeURIComponent(id)}/timeline`);
}
