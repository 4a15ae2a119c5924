// What the adapter asks of any bank or wallet, whatever its API looks like. A connector turns the
// channel's answers into these values; only answers the channel actually gave are values. Anything
// else (no connection, a timeout, a 5xx, a body we cannot read) is a ChannelCallError that says
// whether the request can have had an effect there.
import type { FailureReason, Money } from '@gateway/contracts';

export type Payer = { msisdn: string | null; accountNo: string | null };

export type DebitRequest = {
  reference: string;
  payer: Payer;
  amount: Money;
  description: string;
};

/** The channel's word on a debit: moved, waiting for the payer's OTP, or refused (no money moved). */
export type DebitAnswer =
  | { kind: 'succeeded'; channelRef: string; txnId: string; amount: Money; debitedAt: string }
  | {
      kind: 'otp_required';
      channelRef: string | null;
      // Null when the channel's refusal of a wrong OTP did not repeat them: the wait as last seen holds.
      otpLength: number | null;
      expiresAt: string | null;
      attemptsLeft: number | null;
      // The channel refused the OTP just submitted (and waits for another).
      invalidOtp: boolean;
    }
  | { kind: 'failed'; channelRef: string | null; reason: FailureReason; code: string | null; message: string };

/** A status inquiry adds one answer: the channel has never heard of our debit. */
export type InquiryAnswer = DebitAnswer | { kind: 'not_found' };

export type ReversalAnswer = { kind: 'reversed'; reversalId: string | null } | { kind: 'refused'; code: string | null; message: string };

/** A status inquiry about a reversal: has the channel given the debit back? */
export type ReversalStatus = { kind: 'reversed'; reversedAt: string | null } | { kind: 'not_reversed' } | { kind: 'not_found' };

export type InquiryKey = { reference: string; channelRef: string | null };

/** How a call that got no business answer ended, as far as money is concerned. */
export type CallEffect = 'none' | 'unknown';

export class ChannelCallError extends Error {
  readonly effect: CallEffect;
  readonly status: number | null;
  readonly timedOut: boolean;
  constructor(message: string, options: { effect: CallEffect; status?: number | null; timedOut?: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ChannelCallError';
    this.effect = options.effect;
    this.status = options.status ?? null;
    this.timedOut = options.timedOut ?? false;
  }
}

export function isChannelCallError(error: unknown): error is ChannelCallError {
  return error instanceof ChannelCallError;
}

/**
 * One channel's API. Every method takes the signal the breaker aborts on timeout; none retries (a
 * retry is the caller's decision, and for a money-moving call it is usually "ask, do not resend").
 */
export interface ChannelConnector {
  debit(request: DebitRequest, signal: AbortSignal): Promise<DebitAnswer>;
  /** Wallets: the payer's OTP for a debit the channel holds. Banks answer failed. */
  confirmOtp(channelRef: string, otp: string, signal: AbortSignal): Promise<DebitAnswer>;
  inquire(key: InquiryKey, signal: AbortSignal): Promise<InquiryAnswer>;
  /**
   * Gives a succeeded debit back. The channel reverses a debit at most once and answers a repeat as
   * done, which is what lets the adapter send a reversal again when an inquiry shows it never landed.
   */
  reverse(channelRef: string, reason: string, signal: AbortSignal): Promise<ReversalAnswer>;
  /** Whether the debit was reversed (the status inquiry of a reversal whose answer never came). */
  reversalStatus(channelRef: string, signal: AbortSignal): Promise<ReversalStatus>;
  /** The channel's statement for one business date (YYYY-MM-DD), as the CSV it serves. */
  settlementFile(businessDate: string, signal: AbortSignal): Promise<string>;
}
