// A payment intent as plain data, and the shapes the outside sees of it: the portal's response and the
// intent.* event payloads. Pure, so the mapping from one record to every view is tested without a database.
import type { EventType, IntentResponse, Money, PayloadInputOf } from '@gateway/contracts';
import type { IntentState } from './intent-state.ts';

export type OtpRequest = { length: number; attemptsLeft: number | null; expiresAt: string };

/** A debit that bought nothing, being given back (payment_intents.refund_*). */
export type IntentRefund = {
  status: 'requested' | 'succeeded' | 'refused' | 'unresolved';
  requestedAt: string;
  refundedAt: string | null;
  reversalId: string | null;
};

export type IntentRecord = IntentState & {
  intentId: string;
  clientId: string;
  billerId: string;
  accountNo: string;
  /** Bills the payer named; null means the oldest open bills first, as quoted at creation (quotedBillIds). */
  requestedBillIds: string[] | null;
  /** Bills the amount went to when the intent was quoted. */
  quotedBillIds: string[];
  /** What goes to the bills; the payer is debited amount + fee. */
  amount: Money;
  fee: Money;
  channelId: string;
  /** Our id for the debit at the channel; a channel that deduplicates by it makes a retry safe. */
  reference: string;
  payer: { msisdn: string | null; accountNo: string | null };
  otp: OtpRequest | null;
  channelRef: string | null;
  unknownSince: string | null;
  unknownAttempts: number;
  reconciliationSince: string | null;
  paymentId: string | null;
  receiptNo: string | null;
  /** Null unless a debit had to be given back (see intent-state.ts, payment-refused). */
  refund: IntentRefund | null;
  correlationId: string;
  createdAt: string;
};

/**
 * The bills the intent pays, fixed at creation: the ones the payer named, or the ones the quote gave
 * the amount to (oldest first). The intent holds exactly these against other intents, so its payment
 * is recorded on exactly these too: were it to go "oldest first" again when the debit lands, it could
 * reach a bill it never held, one another intent is paying meanwhile.
 */
export function intentBillIds(record: Pick<IntentRecord, 'requestedBillIds' | 'quotedBillIds'>): string[] {
  return record.requestedBillIds ?? record.quotedBillIds;
}

/** The total the channel is asked to debit: the bills plus the fee fixed at creation. */
export function debitAmount(record: Pick<IntentRecord, 'amount' | 'fee'>): Money {
  return { amount: (record.amount.amount + record.fee.amount) as Money['amount'], currency: record.amount.currency };
}

/** One shape for create, confirm, cancel and get (docs/api.md plus optional detail). */
export function intentView(record: IntentRecord): IntentResponse {
  const view: IntentResponse = {
    intentId: record.intentId,
    status: record.status,
    amount: record.amount,
    channelId: record.channelId,
    billerId: record.billerId,
    accountNo: record.accountNo,
    fee: record.fee,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
  };
  if (record.status === 'requires_confirmation' && record.otp !== null) {
    view.nextAction = {
      type: 'otp',
      otpLength: record.otp.length,
      expiresAt: record.otp.expiresAt,
      ...(record.otp.attemptsLeft !== null ? { attemptsLeft: record.otp.attemptsLeft } : {}),
    };
  }
  if (record.lastError !== null) view.lastError = { code: record.lastError.reason, message: record.lastError.message };
  if (record.paymentId !== null) view.paymentId = record.paymentId;
  if (record.receiptNo !== null) view.receiptNo = record.receiptNo;
  if (record.refund !== null) {
    view.refund = { status: record.refund.status, amount: debitAmount(record), requestedAt: record.refund.requestedAt };
    if (record.refund.refundedAt !== null) view.refund.refundedAt = record.refund.refundedAt;
  }
  return view;
}

function snapshot(record: IntentRecord) {
  return {
    intentId: record.intentId,
    clientId: record.clientId,
    billerId: record.billerId,
    accountNo: record.accountNo,
    billIds: record.quotedBillIds,
    amount: record.amount,
    fee: record.fee,
    channelId: record.channelId,
    payer: record.payer,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
  };
}

export type IntentEventKind = Extract<EventType, `intent.${string}`>;

/** The payload of an intent.* event describing `record` as it is now (after the change). */
export function intentEventPayload<T extends IntentEventKind>(type: T, record: IntentRecord, at: string, reason?: string | null): PayloadInputOf<T> {
  return payloadOf(type, record, at, reason ?? null) as PayloadInputOf<T>;
}

function payloadOf(type: IntentEventKind, record: IntentRecord, at: string, reason: string | null): PayloadInputOf<IntentEventKind> {
  const base = snapshot(record);
  switch (type) {
    case 'intent.created':
      return { ...base, status: 'processing' };
    case 'intent.requires-confirmation': {
      const otp = record.otp ?? { length: 6, attemptsLeft: null, expiresAt: record.expiresAt };
      return {
        ...base,
        status: 'requires_confirmation',
        nextAction: { type: 'otp', otpLength: otp.length, attemptsLeft: otp.attemptsLeft, expiresAt: otp.expiresAt },
      };
    }
    case 'intent.succeeded':
      return {
        ...base,
        status: 'succeeded',
        paymentId: record.paymentId ?? '',
        receiptNo: record.receiptNo ?? '',
        channelTxnId: record.channelTxnId ?? '',
        succeededAt: at,
      };
    case 'intent.failed':
      return {
        ...base,
        status: 'failed',
        failure: {
          reason: record.lastError?.reason ?? 'channel_error',
          message: (record.lastError?.message ?? 'The intent failed.').slice(0, 500),
          channelCode: record.lastError?.channelCode ?? null,
        },
        failedAt: at,
      };
    case 'intent.canceled':
      return { ...base, status: 'canceled', canceledAt: at, reason: reason?.slice(0, 500) ?? null };
    case 'intent.unknown':
      return { ...base, status: 'unknown', since: record.unknownSince ?? at, lastError: reason?.slice(0, 500) ?? null };
    case 'intent.reconciliation-required':
      return {
        ...base,
        status: record.status,
        reason: `${record.reconciliation?.reason ?? 'unknown'}: ${record.reconciliation?.detail ?? ''}`.slice(0, 500),
        attempts: record.unknownAttempts,
        since: record.reconciliationSince ?? at,
      };
    case 'intent.refunded':
      return {
        ...base,
        status: record.status,
        refunded: debitAmount(record),
        channelTxnId: record.channelTxnId ?? '',
        reversalId: record.refund?.reversalId ?? null,
        refundedAt: record.refund?.refundedAt ?? at,
      };
  }
}
