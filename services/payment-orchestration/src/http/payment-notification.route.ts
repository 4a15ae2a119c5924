// POST /v1/payments: a channel has debited its customer and tells us. In ONE transaction (kit's
// idempotent): the Idempotency-Key record, the payment, its allocations (guarded so no bill is paid
// twice across channels), the ledger entries and the outbox payment.completed. Refusals (already
// paid, out of range, …) are stored under the key and replayed like successes: they are answers.
//
// channelTxnId: one payment per channel transaction. The same channelTxnId under a NEW key with the
// same content is a channel retry that lost its key: it gets the original payment back (201, same
// paymentId and receipt), as the scheme wants a repeat answered with the original success. With other
// content it is 409 duplicate_payment. Once that payment is reversed it is 409 payment_reversed naming
// the reversal: the answer for a known channelTxnId is always the payment's real status (a replay under
// the FIRST key stays that key's stored first answer, as every idempotent replay does).
import {
  ApiError,
  errorBody,
  httpStatusOf,
  idempotencyHeadersSchema,
  paymentNotificationResponseSchema,
} from '@gateway/contracts';
import { errorResponses, hashRequest, idempotent, sendIdempotent, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { paymentContext, recordPayment } from '../flows/record-payment.flow.ts';
import { paymentNotificationBodyWithin } from './payment-notification-body.ts';
import { requireChannelClient } from './client-kinds.ts';
import type { RouteDeps } from './route-deps.ts';

export function paymentNotificationRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post(
      '/v1/payments',
      {
        schema: {
          tags: ['payments'],
          summary: 'Payment notification: the channel has debited its customer',
          description:
            'Requires Idempotency-Key. Same key and body: the first response replayed byte for byte with Idempotent-Replayed: true. ' +
            'Same key, other body: 422 idempotency_key_reused; while the first is running: 409 idempotency_key_in_use. ' +
            'The same channelTxnId under another key: the original payment (same content) or 409 duplicate_payment (other content); ' +
            '409 payment_reversed (details: paymentId, reversalId, reversedAt) once that payment was reversed. ' +
            'With entityId instead of accountNo (bank channels only, else 403 forbidden): a public entity\'s one transfer, allocated to its open bills across all its lines, earliest due date first; each allocation names its accountNo.',
          headers: signatureHeadersSchema.extend(idempotencyHeadersSchema.shape),
          body: paymentNotificationBodyWithin(deps),
          response: { 201: paymentNotificationResponseSchema, ...errorResponses(400, 401, 403, 404, 409, 422, 429) },
        },
      },
      async (request, reply) => {
        const client = requireChannelClient(request);
        const body = request.body;
        // A public entity pays its lines by bank transfer from its treasury account: no wallet
        // customer pays for a ministry (docs/api.md, POST /v1/payments with entityId).
        const channel = deps.config.catalogues.channels.channels.find((c) => c.channelId === client.channelId);
        if (body.entityId !== undefined && channel?.kind !== 'bank') {
          throw new ApiError('forbidden', `A public entity's payment (entityId) is taken from bank channels only; ${client.channelId} is not a bank.`);
        }
        const requestHash = request.requestHash ?? hashRequest(request.method, request.url, JSON.stringify(request.body));
        const now = deps.now?.() ?? new Date();
        const response = await idempotent(
          { pool: deps.pool, clientId: client.clientId, key: request.headers['idempotency-key'], requestHash },
          async (tx) => {
            const outcome = await recordPayment(
              tx,
              {
                clientId: client.clientId,
                channelId: client.channelId,
                channelTxnId: body.channelTxnId,
                source: 'channel',
                intentId: null,
                billerId: body.billerId,
                // The body has exactly one of the two (payment-notification-body.ts); an entity's
                // payment is recorded under its entityId.
                accountNo: body.accountNo ?? body.entityId ?? '',
                entityId: body.entityId,
                billIds: body.billIds,
                amount: body.amount,
                paidAt: body.paidAt,
                inquiryRef: body.inquiryRef ?? null,
                payerMsisdn: null,
                correlationId: request.correlationId,
                causationId: null,
              },
              paymentContext(deps.config.catalogues, now),
            );
            if (outcome.kind === 'refused') {
              const error = errorBody(outcome.code, request.id, outcome.message);
              if (outcome.details !== undefined) error.error.details = outcome.details;
              return { status: httpStatusOf(outcome.code), body: error };
            }
            const p = outcome.payment;
            return {
              status: 201,
              body: {
                paymentId: p.paymentId,
                receiptNo: p.receiptNo,
                status: 'completed',
                ...(p.entityId === undefined ? {} : { entityId: p.entityId }),
                allocations: p.allocations,
                amount: p.amount,
                fee: p.fee,
              },
            };
          },
        );
        return sendIdempotent(reply, response);
      },
    );
  };
}
