// The REST debit API our demo channels speak (and the simulators serve): one debit shape for every
// answer, statuses otp_required | succeeded | failed, 404 for "never heard of it". A real bank with
// another API gets its own connector next to this one; the rest of the adapter never sees the wire.
import { failureReasons, moneySchema } from '@gateway/contracts';
import type { FailureReason } from '@gateway/contracts';
import { z } from 'zod';
import { ChannelCallError } from '../domain/connector.ts';
import type { DebitAnswer, InquiryAnswer, ReversalAnswer, ReversalStatus } from '../domain/connector.ts';
import type { ChannelReply } from './channel-http.ts';

const debitViewSchema = z.object({
  debitId: z.string().min(1).max(128),
  reference: z.string().optional(),
  status: z.enum(['otp_required', 'succeeded', 'failed']),
  amount: moneySchema.optional(),
  txnId: z.string().min(1).max(128).optional(),
  debitedAt: z.iso.datetime({ offset: true }).optional(),
  otpLength: z.number().int().min(4).max(10).optional(),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
  attemptsLeft: z.number().int().min(0).optional(),
  code: z.string().max(64).optional(),
  reason: z.string().optional(),
});
type DebitView = z.infer<typeof debitViewSchema>;

const refusalSchema = z.object({ status: z.string().optional(), code: z.string().max(64).optional(), attemptsLeft: z.number().int().min(0).optional(), debitId: z.string().optional() });

const knownReasons = new Set<string>(failureReasons);

/** The channel's code as one of our failure reasons; codes we do not know are declines, kept as channelCode. */
export function reasonOf(code: string | undefined): FailureReason {
  if (code !== undefined && knownReasons.has(code) && code !== 'channel_unavailable') return code as FailureReason;
  return 'declined';
}

const messages: Partial<Record<FailureReason, string>> = {
  declined: 'The channel declined the debit.',
  insufficient_funds: 'The payer’s balance is too low.',
  invalid_payer: 'The channel does not know this payer.',
  otp_attempts_exceeded: 'Too many wrong OTPs.',
  expired: 'The payer did not confirm in time.',
};

function unreadable(where: string, reply: ChannelReply, detail: string): ChannelCallError {
  // A 2xx we cannot read may be a debit done: unknown. A 4xx is a refusal whatever its body says.
  return new ChannelCallError(`${where}: ${reply.status} with an unexpected body (${detail})`, { effect: reply.status < 300 ? 'unknown' : 'none', status: reply.status });
}

function fromView(view: DebitView, where: string, reply: ChannelReply, invalidOtp: boolean): DebitAnswer {
  switch (view.status) {
    case 'succeeded':
      if (view.txnId === undefined || view.amount === undefined || view.debitedAt === undefined) throw unreadable(where, reply, 'succeeded without txnId, amount or debitedAt');
      return { kind: 'succeeded', channelRef: view.debitId, txnId: view.txnId, amount: view.amount, debitedAt: new Date(view.debitedAt).toISOString() };
    case 'otp_required':
      if (view.otpLength === undefined || view.expiresAt === undefined) throw unreadable(where, reply, 'otp_required without otpLength or expiresAt');
      return {
        kind: 'otp_required',
        channelRef: view.debitId,
        otpLength: view.otpLength,
        expiresAt: new Date(view.expiresAt).toISOString(),
        attemptsLeft: view.attemptsLeft ?? null,
        invalidOtp,
      };
    case 'failed': {
      const reason = reasonOf(view.code);
      return { kind: 'failed', channelRef: view.debitId, reason, code: view.code ?? null, message: messages[reason] ?? 'The channel refused the debit.' };
    }
  }
}

/** Maps the answer to a debit or a confirm. */
export function debitAnswerOf(where: string, reply: ChannelReply, knownRef: string | null = null): DebitAnswer {
  if (reply.status >= 200 && reply.status < 300) {
    const view = debitViewSchema.safeParse(reply.body);
    if (!view.success) throw unreadable(where, reply, view.error.issues[0]?.message ?? 'invalid');
    return fromView(view.data, where, reply, false);
  }
  if (reply.status === 402 || reply.status === 422) {
    const refusal = refusalSchema.safeParse(reply.body);
    const body = refusal.success ? refusal.data : {};
    // A wrong OTP keeps the debit waiting: the payer may try again.
    if (body.code === 'invalid_otp' || body.status === 'otp_required') {
      const view = debitViewSchema.safeParse(reply.body);
      if (view.success && view.data.status === 'otp_required') return fromView(view.data, where, reply, true);
      // Without the debit's view, what we knew of the OTP wait still holds (the caller fills it in).
      return { kind: 'otp_required', channelRef: body.debitId ?? knownRef ?? null, otpLength: null, expiresAt: null, attemptsLeft: body.attemptsLeft ?? null, invalidOtp: true };
    }
    const reason = reply.status === 402 ? 'insufficient_funds' : reasonOf(body.code);
    return { kind: 'failed', channelRef: body.debitId ?? knownRef, reason, code: body.code ?? (reply.status === 402 ? 'insufficient_funds' : null), message: messages[reason] ?? 'The channel refused the debit.' };
  }
  // 400, 401, 403, 404, 409…: the channel refused the request itself; nothing was debited, but the
  // adapter (or its configuration) is wrong, so this counts against the channel's breaker.
  throw new ChannelCallError(`${where}: refused with ${reply.status}`, { effect: 'none', status: reply.status });
}

/** Maps the answer to a status inquiry. */
export function inquiryAnswerOf(where: string, reply: ChannelReply): InquiryAnswer {
  if (reply.status === 404) return { kind: 'not_found' };
  if (reply.status !== 200) {
    if (reply.status >= 400) throw new ChannelCallError(`${where}: refused with ${reply.status}`, { effect: 'none', status: reply.status });
  }
  const body = Array.isArray(reply.body) ? (reply.body as unknown[])[0] : reply.body;
  if (body === undefined) return { kind: 'not_found' };
  const view = debitViewSchema.safeParse(body);
  if (!view.success) throw unreadable(where, reply, view.error.issues[0]?.message ?? 'invalid');
  return fromView(view.data, where, { status: 200, body }, false);
}

export function reversalAnswerOf(where: string, reply: ChannelReply): ReversalAnswer {
  if (reply.status >= 200 && reply.status < 300) {
    const body = reply.body as { reversalId?: unknown } | null;
    return { kind: 'reversed', reversalId: typeof body?.reversalId === 'string' ? body.reversalId : null };
  }
  const refusal = refusalSchema.safeParse(reply.body);
  const code = refusal.success ? (refusal.data.code ?? null) : null;
  if (reply.status === 404 || reply.status === 409 || reply.status === 422) return { kind: 'refused', code, message: `The channel refused the reversal (${reply.status}).` };
  throw new ChannelCallError(`${where}: refused with ${reply.status}`, { effect: 'none', status: reply.status });
}

// A debit's view says whether it was reversed (`reversed: true` and `reversedAt`); its status stays
// `succeeded` (the API's statuses are otp_required | succeeded | failed).
const reversalViewSchema = z.object({ debitId: z.string().min(1), reversed: z.boolean().optional(), reversedAt: z.iso.datetime({ offset: true }).optional() });

/** Maps the answer to a reversal's status inquiry (GET of the debit). */
export function reversalStatusOf(where: string, reply: ChannelReply): ReversalStatus {
  if (reply.status === 404) return { kind: 'not_found' };
  if (reply.status !== 200) throw new ChannelCallError(`${where}: refused with ${reply.status}`, { effect: 'none', status: reply.status });
  const view = reversalViewSchema.safeParse(reply.body);
  if (!view.success) throw new ChannelCallError(`${where}: 200 with an unexpected body (${view.error.issues[0]?.message ?? 'invalid'})`, { effect: 'none', status: reply.status });
  if (view.data.reversed === true || view.data.reversedAt !== undefined) return { kind: 'reversed', reversedAt: view.data.reversedAt === undefined ? null : new Date(view.data.reversedAt).toISOString() };
  return { kind: 'not_reversed' };
}
