// "Intents needing a person": payment orchestration's reconciliation queue (GET /v1/intents), each
// intent with the bank adapter's record of its debit (GET /v1/debits: what the channel answered, the
// status inquiries made). The adapter's side is evidence, not the queue: when the adapter does not
// answer, the queue still shows, with `debitsAvailable: false`.
//
// No actions: the API offers none that applies to a queued intent today. Cancel is allowed only while
// an intent waits for its OTP, and a queued intent is unknown, failed, canceled or succeeded; the
// routes that work the queue (resolve, refund) are issue 15's.
import { ApiError } from '@gateway/contracts';
import type { ServiceClient } from '../clients/service-client.ts';
import type { Operator } from '../domain/operators.ts';

type Money = { amount: number; currency: string };

export type QueuedIntent = {
  intentId: string;
  /** false: a channel result for an intent orchestration does not have (its own fields are null). */
  known: boolean;
  status: string | null;
  reason: string;
  detail: string;
  since: string;
  amount: Money | null;
  fee: Money | null;
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
    entries: {
      channelId: string;
      reason: string;
      detail: string;
      status: string | null;
      moneyMoved: 'yes' | 'unknown';
      channelTxnId: string | null;
      amount: Money | null;
      openedAt: string;
      resolvedAt: string | null;
      resolution: string | null;
    }[];
  };
};

export type AdapterDebit = {
  intentId: string;
  channelId: string;
  reference: string;
  state: string;
  amount: Money;
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
};

export type IntentQueuePage = { intents: (QueuedIntent & { debits: AdapterDebit[] })[]; nextCursor: string | null; debitsAvailable: boolean };

export const intentPageSize = 20;

export async function intentQueue(services: { orchestration: ServiceClient; bankAdapter: ServiceClient }, operator: Operator, cursor: string | undefined): Promise<IntentQueuePage> {
  const query = new URLSearchParams({ status: 'reconciliation', limit: String(intentPageSize) });
  if (cursor !== undefined) query.set('cursor', cursor);
  const page = await services.orchestration.call<{ intents: QueuedIntent[]; nextCursor: string | null }>('GET', `/v1/intents?${query.toString()}`, { person: operator.username });
  let debits: AdapterDebit[] = [];
  let debitsAvailable = true;
  if (page.intents.length > 0) {
    const ids = page.intents.map((i) => i.intentId).join(',');
    try {
      debits = (await services.bankAdapter.call<{ debits: AdapterDebit[] }>('GET', `/v1/debits?intentIds=${encodeURIComponent(ids)}`, { person: operator.username })).debits;
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
