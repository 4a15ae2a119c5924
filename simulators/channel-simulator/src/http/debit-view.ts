// How a debit looks on the wire. One shape for every answer (create, confirm, inquiry, dedupe replay)
// so the adapter parses one thing; fields that do not apply to the current status are left out.
import type { Debit } from '../domain/debit.ts';
import { OTP_LENGTH } from '../domain/debit.ts';

export function debitView(debit: Debit): Record<string, unknown> {
  const view: Record<string, unknown> = {
    debitId: debit.debitId,
    reference: debit.reference,
    status: debit.status,
    amount: debit.amount,
  };
  if (debit.status === 'otp_required') {
    view.otpLength = OTP_LENGTH;
    view.expiresAt = debit.expiresAt;
    view.attemptsLeft = debit.otpAttemptsLeft;
  }
  if (debit.status === 'succeeded') {
    view.txnId = debit.txnId;
    view.debitedAt = debit.debitedAt;
  }
  if (debit.status === 'failed') {
    view.code = debit.code;
    if (debit.reason !== undefined) view.reason = debit.reason;
  }
  if (debit.reversedAt !== undefined) {
    // The debit's status stays `succeeded` (API statuses are otp_required | succeeded | failed);
    // a reversal is an additional fact about it.
    view.reversed = true;
    view.reversedAt = debit.reversedAt;
  }
  return view;
}

/** The HTTP status of a debit's state: 402 for money, 422 for every other refusal. */
export function debitHttpStatus(debit: Debit, success: 200 | 201): number {
  switch (debit.status) {
    case 'succeeded':
      return success;
    case 'otp_required':
      return 202;
    case 'failed':
      return debit.code === 'insufficient_funds' ? 402 : 422;
  }
}
