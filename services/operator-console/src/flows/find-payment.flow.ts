// "Find a payment": the search (payment orchestration's GET /v1/payment-search, once per identifier
// the typed text may be) and one payment's timeline merged from the three services that know about
// it. A service that does not answer is reported as unavailable with one line; the others still show.
import { ApiError } from '@gateway/contracts';
import type { PaymentSummary } from '@gateway/contracts';
import type { ServiceClient } from '../clients/service-client.ts';
import type { Operator } from '../domain/operators.ts';
import { isTimelineId, searchesFor } from '../domain/payment-query.ts';
import type { SearchKey } from '../domain/payment-query.ts';
import { mergeTimeline } from '../domain/payment-timeline.ts';
import type { BillingPart, NotificationPart, OrchestrationPart, Service, TimelineEntry } from '../domain/payment-timeline.ts';

export type FindServices = { orchestration: ServiceClient; billing: ServiceClient; notification: ServiceClient };

export type SearchAnswer = { q: string; searchedBy: SearchKey[]; available: boolean; error?: string; results: PaymentSummary[] };

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
const isUnavailable = (error: unknown) => !(error instanceof ApiError) || error.code === 'service_unavailable';

export async function searchPayments(services: FindServices, operator: Operator, q: string, limit: number): Promise<SearchAnswer> {
  const searches = searchesFor(q);
  const searchedBy = searches.map((s) => s.key);
  if (searches.length === 0) return { q, searchedBy, available: true, results: [] };
  try {
    const answers = await Promise.all(
      searches.map((s) =>
        services.orchestration.call<{ results: PaymentSummary[] }>('GET', `/v1/payment-search?${new URLSearchParams({ [s.key]: s.value, limit: String(limit) }).toString()}`, {
          person: operator.username,
        }),
      ),
    );
    const seen = new Set<string>();
    const results = answers
      .flatMap((a) => a.results)
      .filter((r) => {
        const key = r.paymentId ?? r.intentId ?? '';
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      })
      .sort((a, b) => b.at.localeCompare(a.at))
      .slice(0, limit);
    return { q, searchedBy, available: true, results };
  } catch (error) {
    // A 4xx (a number that is no mobile, say) is the operator's to fix: it reaches the browser as is.
    if (!isUnavailable(error)) throw error;
    return { q, searchedBy, available: false, error: message(error), results: [] };
  }
}

export type PartStatus = { available: boolean; error?: string };

export type TimelineAnswer = {
  id: string;
  services: Record<Service, PartStatus>;
  payment: OrchestrationPart['payment'];
  intent: OrchestrationPart['intent'];
  entries: TimelineEntry[];
};

async function part<T>(ask: () => Promise<T>): Promise<{ value: T | null; status: PartStatus }> {
  try {
    return { value: await ask(), status: { available: true } };
  } catch (error) {
    // Not found at billing or notification only means it has nothing of this payment (yet).
    if (error instanceof ApiError && error.code === 'not_found') return { value: null, status: { available: true } };
    if (!isUnavailable(error)) throw error;
    return { value: null, status: { available: false, error: message(error) } };
  }
}

/** `id` is a payment id or an intent id; 404 when payment orchestration knows neither. */
export async function paymentTimeline(services: FindServices, operator: Operator, id: string): Promise<TimelineAnswer> {
  if (!isTimelineId(id)) throw new ApiError('invalid_request', `Invalid request: params.id: must be a payment id (pay_…) or an intent id (pi_…).`);
  const person = { person: operator.username };
  const orchestration = await part(() => services.orchestration.call<OrchestrationPart>('GET', `/v1/payment-timeline/${encodeURIComponent(id)}`, person));
  if (orchestration.status.available && orchestration.value === null) throw new ApiError('not_found', `No payment or intent ${id}.`);
  const payment = orchestration.value?.payment ?? null;
  const intent = orchestration.value?.intent ?? null;
  const paymentId = payment?.paymentId ?? (id.startsWith('pay_') ? id : null);
  const intentId = intent?.intentId ?? (id.startsWith('pi_') ? id : null);
  const refs = new URLSearchParams();
  if (paymentId !== null) refs.set('paymentId', paymentId);
  if (payment?.reversal) refs.set('reversalId', payment.reversal.reversalId);
  if (intentId !== null) refs.set('intentId', intentId);
  const [billing, notification] = await Promise.all([
    paymentId === null
      ? Promise.resolve({ value: null, status: { available: true } })
      : part(() => services.billing.call<BillingPart>('GET', `/v1/payment-effects/${encodeURIComponent(paymentId)}`, person)),
    part(() => services.notification.call<NotificationPart>('GET', `/v1/payment-messages?${refs.toString()}`, person)),
  ]);
  return {
    id,
    services: { 'payment-orchestration': orchestration.status, billing: billing.status, notification: notification.status },
    payment,
    intent,
    entries: mergeTimeline({ orchestration: orchestration.value, billing: billing.value, notification: notification.value }, { paymentId, intentId }),
  };
}
