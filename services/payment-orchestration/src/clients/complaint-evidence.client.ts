// What a complaint's automatic check asks other services, signed with this service's own operator key
// (as the settlement-file client is): the bank adapter's live status inquiry of a debit (GET
// /v1/channels/{channelId}/debits/{reference}) and notification's SMS of a payment with their delivery
// receipts (GET /v1/payment-messages). Any answer but 200 throws: the check is retried (the consumer's
// retry, then its dead letter), since a fault of theirs says nothing about the complaint.
import { debitInquirySchema } from '@gateway/contracts';
import type { DebitInquiry } from '@gateway/contracts';
import { signRequest } from '@gateway/kit';
import { z } from 'zod';
import type { MessageFacts } from '../domain/complaint-check.ts';

export type ComplaintEvidenceSource = {
  debitInquiry(channelId: string, reference: string): Promise<DebitInquiry>;
  paymentMessages(ref: { paymentId: string | null; intentId: string | null }): Promise<MessageFacts[]>;
};

// The part of notification's answer the check shows (the texts stay there: they carry amounts).
const messagesSchema = z.object({
  messages: z.array(
    z.object({
      messageId: z.string(),
      template: z.string(),
      recipient: z.string(),
      state: z.string(),
      lastError: z.string().nullable(),
      submittedAt: z.string().nullable(),
      doneAt: z.string().nullable(),
      parts: z.array(z.object({ receipt: z.object({ state: z.string(), errorCode: z.string().nullable(), doneAt: z.string().nullable() }).nullable() })),
    }),
  ),
});

export function createComplaintEvidenceClient(options: { bankAdapterUrl: string; notificationUrl: string; keyId: string; secret: string; timeoutMs: number }): ComplaintEvidenceSource {
  async function signedGet(url: URL): Promise<unknown> {
    const headers = await signRequest({ method: 'GET', url, keyId: options.keyId, secret: options.secret });
    const response = await fetch(url, { headers: { ...headers }, signal: AbortSignal.timeout(options.timeoutMs) });
    if (response.status !== 200) throw new Error(`GET ${url.pathname} answered ${response.status}`);
    return response.json();
  }
  return {
    async debitInquiry(channelId, reference) {
      const url = new URL(`/v1/channels/${encodeURIComponent(channelId)}/debits/${encodeURIComponent(reference)}`, options.bankAdapterUrl);
      return debitInquirySchema.parse(await signedGet(url));
    },
    async paymentMessages(ref) {
      const url = new URL('/v1/payment-messages', options.notificationUrl);
      if (ref.paymentId !== null) url.searchParams.set('paymentId', ref.paymentId);
      if (ref.intentId !== null) url.searchParams.set('intentId', ref.intentId);
      const { messages } = messagesSchema.parse(await signedGet(url));
      return messages.map(({ parts, ...m }) => ({ ...m, receipts: parts.flatMap((p) => (p.receipt === null ? [] : [p.receipt])) }));
    },
  };
}
