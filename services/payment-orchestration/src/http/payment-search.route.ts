// GET /v1/payment-search?receiptNo=|channelTxnId=|paymentId=|intentId=|accountNo=|msisdn=: the
// operators' "find a payment" (the console's screen 3). Exactly one identifier; payments and the
// intents that never became one, newest first, bounded. Operators only: any client's payments.
import { ApiError, paymentSearchResponseSchema, storableText } from '@gateway/contracts';
import { errorResponses, requireOperator, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findPayments } from '../flows/find-payment.flow.ts';
import type { SearchBy } from '../store/pg-payment-search-store.ts';
import type { RouteDeps } from './route-deps.ts';

const identifiers = ['receiptNo', 'channelTxnId', 'paymentId', 'intentId', 'accountNo', 'msisdn'] as const;

// Receipt numbers and ids are minted here (RC-<business date>-<sequence>, pay_/pi_ + UUID v7): a value
// of another shape cannot be one, and is a 400 rather than an empty answer.
const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const minted = (pattern: RegExp, what: string) => z.string().regex(pattern, { error: `must be ${what}` });

const querySchema = z.strictObject({
  receiptNo: minted(/^RC-\d{8}-\d{6,}$/, 'a receipt number, RC-YYYYMMDD-NNNNNN').optional(),
  channelTxnId: storableText().min(1).max(128).optional(),
  paymentId: minted(new RegExp(`^pay_${uuid}$`, 'i'), 'a payment id, pay_<uuid>').optional(),
  intentId: minted(new RegExp(`^pi_${uuid}$`, 'i'), 'an intent id, pi_<uuid>').optional(),
  accountNo: storableText().trim().min(1).max(64).optional(),
  msisdn: storableText().trim().min(3).max(32).optional().describe('A Syrian mobile: +9639…, 009639…, 9639… or 09…'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/**
 * Every spelling a channel or a portal may have stored a Syrian mobile under (payer numbers are kept
 * as sent), or null when `input` is not one. Billing's holder numbers are E.164 (its accounts check).
 */
export function msisdnSpellings(input: string): string[] | null {
  const digits = input.replace(/[\s-]/g, '');
  const national = /^(?:\+963|00963|963|0)(9\d{8})$/.exec(digits)?.[1];
  if (national === undefined) return null;
  return [`+963${national}`, `00963${national}`, `963${national}`, `0${national}`];
}

function searchBy(query: z.infer<typeof querySchema>): SearchBy {
  const given = identifiers.filter((k) => query[k] !== undefined);
  if (given.length !== 1) {
    const problem = `give exactly one of ${identifiers.join(', ')}`;
    throw new ApiError('invalid_request', `Invalid request: querystring: ${problem}`, { fields: [{ field: 'querystring', problem }] });
  }
  const key = given[0]!;
  const value = query[key]!;
  if (key !== 'msisdn') return { [key]: value } as SearchBy;
  const msisdns = msisdnSpellings(value);
  if (msisdns === null) {
    const problem = 'is not a Syrian mobile number (+9639…, 009639… or 09…)';
    throw new ApiError('invalid_request', `Invalid request: querystring.msisdn: ${problem}`, { fields: [{ field: 'querystring.msisdn', problem }] });
  }
  return { msisdns };
}

export function paymentSearchRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/v1/payment-search',
      {
        schema: {
          tags: ['operators'],
          summary: 'Find payments and intents by receipt number, channelTxnId, payment id, intent id, account or subscriber number',
          headers: signatureHeadersSchema,
          querystring: querySchema,
          response: { 200: paymentSearchResponseSchema, ...errorResponses(400, 401, 403, 429) },
        },
      },
      async (request) => {
        requireOperator(request);
        return { results: await findPayments(deps.pool, searchBy(request.query), request.query.limit) };
      },
    );
  };
}
