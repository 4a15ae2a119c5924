// "Find a payment": the console's search and one payment's timeline across the services (any role).
import type { Money, PaymentSummary } from '@gateway/contracts';
import type { TimelineEntry } from '../../src/domain/payment-timeline.ts';
import type { SearchAnswer, TimelineAnswer } from '../../src/flows/find-payment.flow.ts';
import { request } from './api.ts';

// The services' shapes from contracts and the console's own answers from its backend: types only.
export type MoneyValue = Money;
export type { PaymentSummary, SearchAnswer, TimelineAnswer, TimelineEntry };

export function searchPayments(q: string): Promise<SearchAnswer> {
  return request<SearchAnswer>('GET', `/api/payments?q=${encodeURIComponent(q)}`);
}

export function paymentTimeline(id: string): Promise<TimelineAnswer> {
  return request<TimelineAnswer>('GET', `/api/payments/${encodeURIComponent(id)}/timeline`);
}
