// GET /api/intents?status=reconciliation&cursor=: the reconciliation queue with the evidence from
// both services (flows/intents.flow.ts), for every role. Read only: no action applies to a queued
// intent yet (see the flow).
import { storableText } from '@gateway/contracts';
import { errorResponses } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { intentQueue } from '../flows/intents.flow.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireSignedIn } from './session-guard.ts';

const querySchema = z.strictObject({
  status: z.literal('reconciliation').optional().describe('The reconciliation queue (the only list today).'),
  cursor: storableText().max(512).optional().describe('nextCursor of the previous page.'),
});

const money = z.object({ amount: z.number().int(), currency: z.string() });
const nullableText = z.string().nullable();

const pageSchema = z.object({
  intents: z.array(
    z.object({
      intentId: z.string(),
      known: z.boolean().describe('false: a channel result for an intent orchestration does not have; its own fields are null'),
      status: nullableText,
      reason: z.string(),
      detail: z.string(),
      since: z.string(),
      amount: money.nullable(),
      fee: money.nullable(),
      channelId: z.string(),
      billerId: nullableText,
      accountNo: nullableText,
      payer: z.object({ msisdn: nullableText, accountNo: nullableText }).nullable(),
      billIds: z.array(z.string()),
      createdAt: nullableText,
      expiresAt: nullableText,
      evidence: z.object({
        lastError: z.object({ reason: z.string(), message: z.string(), channelCode: nullableText }).nullable(),
        unknownSince: nullableText,
        inquiryAttempts: z.number().int(),
        channelRef: nullableText,
        channelTxnId: nullableText,
        refundStatus: nullableText,
        entries: z.array(
          z.object({
            channelId: z.string(),
            reason: z.string(),
            detail: z.string(),
            status: nullableText,
            moneyMoved: z.enum(['yes', 'unknown']),
            channelTxnId: nullableText,
            amount: money.nullable(),
            openedAt: z.string(),
            resolvedAt: nullableText,
            resolution: nullableText,
          }),
        ),
      }),
      debits: z.array(
        z.object({
          intentId: z.string(),
          channelId: z.string(),
          reference: z.string(),
          state: z.string(),
          amount: money,
          channelRef: nullableText,
          channelTxnId: nullableText,
          failure: z.object({ reason: nullableText, code: nullableText, message: nullableText }).nullable(),
          inquiryAttempts: z.number().int(),
          sentAt: nullableText,
          answeredAt: nullableText,
          unknownSince: nullableText,
          nextInquiryAt: nullableText,
          lastError: nullableText,
          updatedAt: z.string(),
        }),
      ),
    }),
  ),
  nextCursor: nullableText,
  debitsAvailable: z.boolean().describe('false when the bank adapter did not answer: the debits are then missing, not empty'),
});

export function intentsRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/api/intents',
      {
        schema: {
          tags: ['intents'],
          summary: 'Intents needing a person: the reconciliation queue with the evidence',
          querystring: querySchema,
          response: { 200: pageSchema, ...errorResponses(400, 401, 503) },
        },
      },
      async (request) => {
        const orchestration = deps.outboxServices['payment-orchestration'];
        if (orchestration === undefined) throw new Error('the console has no client for payment-orchestration');
        return intentQueue({ orchestration, bankAdapter: deps.bankAdapter }, requireSignedIn(request).operator, request.query.cursor);
      },
    );
  };
}
