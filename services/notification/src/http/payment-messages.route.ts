// GET /v1/payment-messages?paymentId=&reversalId=&intentId=&complaintId=: the SMS one payment caused
// (its receipt, its reversal's, its intent's) or one complaint caused (filed, resolved, rejected),
// oldest first, each with its parts' SMSC ids and delivery receipts: the operators' timeline shows them
// beside the payment, the complaints screen beside the complaint. Operators only (texts carry amounts).
import { ApiError } from '@gateway/contracts';
import { errorResponses, requireOperator, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { paymentMessages } from '../flows/payment-messages.flow.ts';
import type { RouteDeps } from './route-deps.ts';

// Ids as payment orchestration mints them (a prefix and a UUID v7): another shape names no payment.
const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const minted = (prefix: string) => z.string().regex(new RegExp(`^${prefix}_${uuid}$`, 'i'), { error: `must be ${prefix}_<uuid>` });
const querySchema = z.strictObject({
  paymentId: minted('pay').optional(),
  reversalId: minted('rev').optional(),
  intentId: minted('pi').optional(),
  complaintId: minted('cmp').optional(),
});

const ts = z.string();
const paymentMessageSchema = z.object({
  messageId: z.string(),
  template: z.string(),
  recipient: z.string(),
  locale: z.string(),
  state: z.string(),
  body: z.string(),
  sourceEventId: z.string().nullable(),
  notBefore: ts,
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: ts,
  submittedAt: ts.nullable(),
  doneAt: ts.nullable(),
  parts: z.array(
    z.object({
      seq: z.number().int(),
      smscMessageId: z.string(),
      state: z.string(),
      errorCode: z.string().nullable(),
      submittedAt: ts,
      doneAt: ts.nullable(),
      receipt: z.object({ state: z.string(), errorCode: z.string().nullable(), doneAt: ts.nullable(), receivedAt: ts }).nullable(),
    }),
  ),
});

export function paymentMessagesRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/v1/payment-messages',
      {
        schema: {
          tags: ['messages'],
          summary: 'The SMS one payment (receipt, reversal, intent) or one complaint caused, with delivery receipts',
          headers: signatureHeadersSchema,
          querystring: querySchema,
          response: { 200: z.object({ messages: z.array(paymentMessageSchema) }), ...errorResponses(400, 401, 403) },
        },
      },
      async (request) => {
        requireOperator(request);
        const { paymentId, reversalId, intentId, complaintId } = request.query;
        if (paymentId === undefined && reversalId === undefined && intentId === undefined && complaintId === undefined) {
          const problem = 'give paymentId, reversalId, intentId or complaintId';
          throw new ApiError('invalid_request', `Invalid request: querystring: ${problem}`, { fields: [{ field: 'querystring', problem }] });
        }
        return { messages: await paymentMessages(deps.pool, { paymentId, reversalId, intentId, complaintId }) };
      },
    );
  };
}
