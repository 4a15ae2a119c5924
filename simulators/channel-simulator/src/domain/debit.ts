// One debit request and its life: a bank settles it on arrival; a wallet first asks the customer for
// an OTP (the demo OTP is always 123456), which expires and allows a few attempts. Transitions are
// pure: each returns a new Debit and the caller stores it, so a transition can be read and tested
// without the HTTP layer or the clock.
import type { Money } from '@gateway/contracts';

export type DebitStatus = 'otp_required' | 'succeeded' | 'failed';
export type FailureCode = 'insufficient_funds' | 'declined' | 'invalid_payer' | 'otp_attempts_exceeded' | 'expired';

/** Documented for demos and tests: no SMS leaves a simulator, so the customer's OTP is fixed. */
export const DEMO_OTP = '123456';
export const OTP_LENGTH = DEMO_OTP.length;

export interface NewDebit {
  readonly debitId: string;
  readonly reference: string;
  readonly payer: string;
  readonly amount: Money;
  readonly description: string;
}

/** A debit as received, before the channel has decided anything. */
export interface ReceivedDebit extends NewDebit {
  readonly createdAt: string;
}

export interface Debit extends ReceivedDebit {
  readonly status: DebitStatus;
  readonly code?: FailureCode;
  /** Why a decline happened (currency mismatch, blocked account, injected decline); for humans. */
  readonly reason?: string;
  readonly txnId?: string;
  readonly debitedAt?: string;
  readonly expiresAt?: string;
  readonly otpAttemptsLeft?: number;
  readonly reversedAt?: string;
  readonly reversalReason?: string;
}

export function receiveDebit(input: NewDebit, now: Date): ReceivedDebit {
  return { ...input, createdAt: now.toISOString() };
}

export function awaitOtp(debit: ReceivedDebit, now: Date, ttlMs: number, attempts: number): Debit {
  return { ...debit, status: 'otp_required', expiresAt: new Date(now.getTime() + ttlMs).toISOString(), otpAttemptsLeft: attempts };
}

export function succeed(debit: ReceivedDebit, txnId: string, now: Date): Debit {
  return { ...debit, status: 'succeeded', txnId, debitedAt: now.toISOString(), code: undefined };
}

export function fail(debit: ReceivedDebit, code: FailureCode, reason?: string): Debit {
  return { ...debit, status: 'failed', code, ...(reason === undefined ? {} : { reason }) };
}

export function isExpired(debit: Debit, now: Date): boolean {
  return debit.status === 'otp_required' && debit.expiresAt !== undefined && now.getTime() >= Date.parse(debit.expiresAt);
}

/** An OTP wait past its deadline is failed the moment anyone looks at it (inquiry or confirm). */
export function expireIfDue(debit: Debit, now: Date): Debit {
  return isExpired(debit, now) ? fail(debit, 'expired') : debit;
}

export type OtpCheck =
  /** The right OTP in time: the caller now moves the money (or declines). */
  | { readonly kind: 'accepted' }
  /** Wrong, attempts remain. */
  | { readonly kind: 'retry'; readonly debit: Debit }
  /** The debit is (now) final: already succeeded or failed, expired, or out of attempts. */
  | { readonly kind: 'final'; readonly debit: Debit };

export function checkOtp(debit: Debit, otp: string, now: Date): OtpCheck {
  // A repeat confirm after success replays the success: the reply to the first may have been lost.
  if (debit.status !== 'otp_required') return { kind: 'final', debit };
  if (isExpired(debit, now)) return { kind: 'final', debit: fail(debit, 'expired') };
  if (otp === DEMO_OTP) return { kind: 'accepted' };
  const left = (debit.otpAttemptsLeft ?? 1) - 1;
  if (left <= 0) return { kind: 'final', debit: { ...fail(debit, 'otp_attempts_exceeded'), otpAttemptsLeft: 0 } };
  return { kind: 'retry', debit: { ...debit, otpAttemptsLeft: left } };
}

export type ReversalCheck =
  | { readonly kind: 'reverse'; readonly debit: Debit }
  | { readonly kind: 'already_reversed'; readonly debit: Debit }
  | { readonly kind: 'not_reversible'; readonly debit: Debit };

/** Only money that moved can be given back, and only once: a repeat is answered as done, with no second credit. */
export function checkReversal(debit: Debit, reason: string, now: Date): ReversalCheck {
  if (debit.reversedAt !== undefined) return { kind: 'already_reversed', debit };
  if (debit.status !== 'succeeded') return { kind: 'not_reversible', debit };
  return { kind: 'reverse', debit: { ...debit, reversedAt: now.toISOString(), reversalReason: reason } };
}

/** Same reference, same request? A dedupe channel replays only a true repeat. */
export function sameRequest(debit: Debit, payer: string, amount: Money): boolean {
  return debit.payer === payer && debit.amount.amount === amount.amount && debit.amount.currency === amount.currency;
}
