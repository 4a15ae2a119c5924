// POST /v1/payment-intents: the citizen portal asks the gateway to pull the money for some bills from
// a wallet or a bank account. The bills and the amount are checked exactly as a channel's payment
// would be (the same pure quotePayment over the same read model), the fee is fixed now (the payer
// approves amount + fee, and that is what the channel debits), and in ONE transaction: the
// Idempotency-Key record, the intent (`processing`), intent.created and channel.debit-requested in
// the outbox. The debit's reference is the intent id, so a channel that deduplicates by it makes any
// retry of the command harmless.
//
// A channel whose breaker is open (or forced off) fails fast with 503 channel_unavailable: no intent,
// no command, no money moved. That answer is thrown, not stored under the key, so the portal can
// retry the same request later and have it run.
//
// Nothing is charged twice: an intent holds the bills it will pay (intent_bills) from creation until
// it ends (holdsBills), and a second intent for any of them is refused here, before its debit is ever
// requested (the payer tapped Pay twice, two tabs, portal and USSD): 409 bill_payment_in_progress. The
// bills' rows are locked first, so two creations for one bill queue and the second sees the first's
// hold. A channel's own payment (POST /v1/payments) is not held back: its customer is already debited,
// so it is taken, and the intent is canceled if its debit was not sent yet, or its debit is given
// back automatically when it lands (pg-intent-supersede.ts).
import {
  ApiError,
  createEvent,
  createIntentBodySchema,
  errorBody,
  httpStatusOf,
  idempotencyHeadersSchema,
 
  intentResponseSchema,
} from '@gateway/contracts';
import type { ErrorCode } from '@gateway/contracts';
import { enqueueEvent, errorResponses, hashRequest, idempotent, requireClientKind, sendIdempotent, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { v7 as uuidv7 } from 'uuid';
import { quotePayment } from '../domain/allocation.ts';
import { debitAmount, intentBillIds, intentView } from '../domain/intent-record.ts';
import type { IntentRecord } from '../domain/intent-record.ts';
import { channelStateOf } from '../store/pg-channel-health-store.ts';
import { enqueueIntentEvent, findBillHolder, insertIntent } from '../store/pg-intent-store.ts';
import { serviceName } from '../service-name.ts';
import type { BillHolder } from '../store/pg-intent-store.ts';
import { lockAccountBills } from '../store/pg-payment-store.ts';
import { defaultIntentTtlMs } from './route-deps.ts';
import type { RouteDeps } from './route-deps.ts';

// Breaker states in which the adapter would refuse the debit at once anyway.
const unavailableStates = new Set(['open', 'forced_off']);

/**
 * The refusal of an intent for a bill another intent holds: 409 bill_payment_in_progress (API.md).
 * The portal can resume its own holder (details.intentId: confirm its OTP, or wait for its outcome);
 * another client's intent (the USSD session of the same payer) is not named, since a client sees only
 * its own objects, and it could do nothing with the id anyway.
 */
function inProgress(holder: BillHolder, clientId: string, requestId: string) {
  const own = holder.clientId === clientId;
  const message = own
    ? `A payment for bill ${holder.billId} is already in progress (intent ${holder.intentId}, ${holder.status}); resume it or wait for its outcome.`
    : `A payment for bill ${holder.billId} is already in progress from another client; wait for its outcome.`;
  const details = own ? { billId: holder.billId, intentId: holder.intentId, status: holder.status } : { billId: holder.billId };
  return { status: httpStatusOf('bill_payment_in_progress'), body: { error: { ...errorBody('bill_payment_in_progress', requestId, message).error, details } } };
}

export function intentCreateRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  const { catalogues } = deps.config;
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post(
      '/v1/payment-intents',
      {
        schema: {
          tags: ['payment intents'],
          summary: 'Create a payment intent: pull the money for bills from a wallet or bank account',
          description:
            'Portal clients only. Requires Idempotency-Key (API.md rules). The amount goes to the named bills, or to the oldest ' +
            'open bills first; the fee is fixed now and the payer is debited amount + fee. The answer is usually `processing`; ' +
            'poll GET /v1/payment-intents/{id} for `requires_confirmation` (then confirm the OTP), `succeeded` or `failed`. ' +
            '409 bill_payment_in_progress when another intent that has not ended already covers one of the bills (details.billId, and ' +
            'details.intentId when it is your own: resume that one instead). ' +
            '503 channel_unavailable when the channel is down: nothing was created and no money moved; retry later.',
          headers: signatureHeadersSchema.extend(idempotencyHeadersSchema.shape),
          body: createIntentBodySchema,
          response: { 201: intentResponseSchema, ...errorResponses(400, 401, 403, 404, 409, 422, 429, 503) },
        },
      },
      async (request, reply) => {
        const client = requireClientKind(request, ['portal']);
        const body = request.body;
        const requestHash = request.requestHash ?? hashRequest(request.method, request.url, JSON.stringify(body));
        const now = deps.now?.() ?? new Date();
        const refuse = (code: ErrorCode, message: string) => ({ status: httpStatusOf(code), body: errorBody(code, request.id, message) });

        const response = await idempotent({ pool: deps.pool, clientId: client.clientId, key: request.headers['idempotency-key'], requestHash }, async (tx) => {
          const biller = catalogues.billers.billers.find((b) => b.billerId === body.billerId);
          if (biller === undefined) return refuse('biller_not_found', `Biller ${body.billerId} is not known to the gateway.`);
          const channel = catalogues.channels.channels.find((c) => c.channelId === body.channelId);
          if (channel === undefined) return refuse('invalid_request', `Channel ${body.channelId} is not a channel of the gateway (see GET /v1/channels).`);
          // A wallet pulls from a mobile number, a bank from an account: without it the channel can only refuse.
          if (channel.kind === 'wallet' && body.payer.msisdn === undefined) return refuse('invalid_request', `Channel ${channel.channelId} is a wallet: payer.msisdn is required.`);
          if (channel.kind === 'bank' && body.payer.accountNo === undefined) return refuse('invalid_request', `Channel ${channel.channelId} is a bank: payer.accountNo is required.`);
          const state = await channelStateOf(tx, channel.channelId, { now, staleAfterMs: deps.config.CHANNEL_HEALTH_STALE_AFTER });
          if (state !== null && unavailableStates.has(state)) {
            throw new ApiError('channel_unavailable', `Channel ${channel.channelId} is unavailable (${state}); no money was moved.`);
          }

          // Every bill of the account, locked FOR UPDATE in bill_id order: the order recordPayment
          // locks them in (no deadlock with a payment), and what makes a concurrent creation for the
          // same bills wait here until this one commits its hold.
          const bills = await lockAccountBills(tx, body.billerId, body.accountNo);
          if (bills.length === 0) return refuse('account_not_found', `No bills are known for account ${body.accountNo} of ${body.billerId}.`);
          const quote = quotePayment({ bills, billIds: body.billIds, amount: body.amount, feeSchedule: catalogues.fees });
          if (quote.kind === 'refused') return refuse(quote.code, quote.message);
          // Without named bills the quote's oldest-first choice is what the intent holds and later pays.
          const quotedBillIds = quote.allocations.map((a) => a.billId);
          const holder = await findBillHolder(tx, intentBillIds({ requestedBillIds: body.billIds ?? null, quotedBillIds }));
          if (holder !== null) {
            request.log.info({ blockingIntentId: holder.intentId, billId: holder.billId }, 'payment intent refused: bill held by an open intent');
            return inProgress(holder, client.clientId, request.id);
          }

          const intentId = `pi_${uuidv7()}`;
          const record: IntentRecord = {
            intentId,
            clientId: client.clientId,
            billerId: body.billerId,
            accountNo: body.accountNo,
            requestedBillIds: body.billIds ?? null,
            quotedBillIds,
            amount: body.amount,
            fee: quote.fee,
            channelId: channel.channelId,
            reference: intentId,
            payer: { msisdn: body.payer.msisdn ?? null, accountNo: body.payer.accountNo ?? null },
            status: 'processing',
            expiresAt: new Date(now.getTime() + (deps.intentTtlMs ?? defaultIntentTtlMs)).toISOString(),
            reconciliation: null,
            reconciliationSince: null,
            lastError: null,
            channelTxnId: null,
            otp: null,
            channelRef: null,
            unknownSince: null,
            unknownAttempts: 0,
            paymentId: null,
            receiptNo: null,
            refund: null,
            correlationId: request.correlationId,
            createdAt: now.toISOString(),
          };
          await insertIntent(tx, record);
          const ctx = { now, correlationId: request.correlationId, causationId: null, topics: deps.topics };
          await enqueueIntentEvent(tx, 'intent.created', record, ctx);
          await enqueueEvent(
            tx,
            createEvent('channel.debit-requested', {
              producer: serviceName,
              key: intentId,
              correlationId: request.correlationId,
              causationId: null,
              occurredAt: now,
              payload: {
                intentId,
                channelId: channel.channelId,
                reference: record.reference,
                amount: debitAmount(record),
                payer: record.payer,
                billerId: record.billerId,
                accountNo: record.accountNo,
                description: `${biller.name.en} ${record.accountNo}`.slice(0, 140),
                requestedAt: record.createdAt,
                expiresAt: record.expiresAt,
              },
            }),
            deps.topics?.commands,
          );
          request.log.info({ intentId, channelId: channel.channelId, billerId: record.billerId }, 'payment intent created');
          return { status: 201, body: intentView(record) };
        });
        return sendIdempotent(reply, response);
      },
    );
  };
}
