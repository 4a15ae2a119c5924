// GET /v1/payment-timeline/{id}: everything this service holds about one payment or intent (`id` is
// either): the request, allocations, the intent and its reconciliation entries, the reversal, and the
// outbox events it published with their times. Operators only; the console merges it with billing's
// and notification's parts into one timeline.
import { ApiError, idSchema, moneySchema } from '@gateway/contracts';
import { errorResponses, requireOperator, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { paymentTimeline } from '../flows/find-payment.flow.ts';
import type { RouteDeps } from './route-deps.ts';

const ts = z.string();
const paymentSchema = z.object({
  paymentId: z.string(),
  receiptNo: z.string(),
  status: z.string(),
  source: z.string(),
  intentId: z.string().nullable(),
  clientId: z.string(),
  channelId: z.string(),
  channelTxnId: z.string(),
  billerId: z.string(),
  accountNo: z.string(),
  amount: moneySchema,
  fee: moneySchema,
  paidAt: ts,
  businessDate: z.string(),
  inquiryRef: z.string().nullable(),
  payerMsisdn: z.string().nullable(),
  correlationId: z.string().nullable(),
  recordedAt: ts,
  allocations: z.array(z.object({ billId: z.string(), externalBillId: z.string(), amount: moneySchema, waived: moneySchema, reversedAt: ts.nullable() })),
  reversal: z
    .object({ reversalId: z.string(), clientId: z.string(), reason: z.string(), amount: moneySchema, fee: moneySchema, status: z.string(), reversedAt: ts, recordedAt: ts })
    .nullable(),
});
const intentSchema = z.object({
  intentId: z.string(),
  clientId: z.string(),
  channelId: z.string(),
  status: z.string(),
  amount: moneySchema,
  fee: moneySchema,
  payerMsisdn: z.string().nullable(),
  payerAccountNo: z.string().nullable(),
  lastError: z.object({ reason: z.string(), message: z.string().nullable(), channelCode: z.string().nullable() }).nullable(),
  reconciliationReason: z.string().nullable(),
  refundStatus: z.string().nullable(),
  createdAt: ts,
  expiresAt: ts,
  updatedAt: ts,
});
export const paymentTimelineSchema = z.object({
  payment: paymentSchema.nullable(),
  intent: intentSchema.nullable(),
  reconciliation: z.array(
    z.object({ reason: z.string(), detail: z.string(), moneyMoved: z.string(), createdAt: ts, resolvedAt: ts.nullable(), resolution: z.string().nullable() }),
  ),
  events: z.array(
    z.object({ eventId: z.string(), type: z.string(), topic: z.string(), createdAt: ts, publishedAt: ts.nullable(), parkedAt: ts.nullable() }),
  ),
});

export function paymentTimelineRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/v1/payment-timeline/:id',
      {
        schema: {
          tags: ['operators'],
          summary: 'What this service holds about one payment or intent, for the operators’ timeline',
          headers: signatureHeadersSchema,
          params: z.object({ id: idSchema.describe('A payment id (pay_…) or an intent id (pi_…)') }),
          response: { 200: paymentTimelineSchema, ...errorResponses(400, 401, 403, 404, 429) },
        },
      },
      async (request) => {
        requireOperator(request);
        const timeline = await paymentTimeline(deps.pool, request.params.id);
        if (timeline === null) throw new ApiError('not_found', `No payment or intent ${request.params.id}.`);
        return timeline;
      },
    );
  };
}
