// The one catalogue of error codes of docs/api.md. Codes and statuses are part of the public contract:
// banks map them to their own screens, so none is renamed and each keeps its status.
import { z } from 'zod';

export const errorCodes = [
  'invalid_request',
  'unauthenticated',
  'forbidden',
  'not_found',
  'biller_not_found',
  'account_not_found',
  'bill_already_paid',
  'no_amount_due',
  'duplicate_payment',
  'idempotency_key_in_use',
  'amount_out_of_range',
  'currency_mismatch',
  'inquiry_expired',
  'idempotency_key_reused',
  'rate_limited',
  'channel_unavailable',
  'internal_error',
  'payment_reversed',
  'bill_payment_in_progress',
  'invalid_state',
  'settlement_closed',
  'payload_too_large',
  'service_unavailable',
  'order_expired',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export const errorCodeSchema = z.enum(errorCodes);

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (errorCodes as readonly string[]).includes(value);
}

export type ErrorHttpStatus = 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 500 | 503;

// A switch without a default: adding a code to the tuple without a status here fails the typecheck
// (the function would otherwise fall off the end and return undefined).
export function httpStatusOf(code: ErrorCode): ErrorHttpStatus {
  switch (code) {
    case 'invalid_request':
      return 400;
    case 'unauthenticated':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
    case 'biller_not_found':
    case 'account_not_found':
      return 404;
    case 'bill_already_paid':
    case 'no_amount_due':
    case 'duplicate_payment':
    case 'idempotency_key_in_use':
    case 'payment_reversed':
    case 'bill_payment_in_progress':
    case 'invalid_state':
    case 'settlement_closed':
      return 409;
    case 'payload_too_large':
      return 413;
    case 'amount_out_of_range':
    case 'currency_mismatch':
    case 'inquiry_expired':
    case 'idempotency_key_reused':
    case 'order_expired':
      return 422;
    case 'rate_limited':
      return 429;
    case 'channel_unavailable':
    case 'service_unavailable':
      return 503;
    case 'internal_error':
      return 500;
  }
}

// Codes a client may simply retry (same Idempotency-Key) after a pause.
export function isRetryable(code: ErrorCode): boolean {
  return (
    code === 'idempotency_key_in_use' ||
    code === 'rate_limited' ||
    code === 'channel_unavailable' ||
    code === 'service_unavailable' ||
    code === 'internal_error'
  );
}

// Safe to show to any caller: they never contain internals. 5xx responses always use these texts.
export const defaultErrorMessages: Readonly<Record<ErrorCode, string>> = {
  invalid_request: 'The request is not valid.',
  unauthenticated: 'The request could not be authenticated.',
  forbidden: 'The client is not allowed to do this.',
  not_found: 'The resource was not found.',
  biller_not_found: 'The biller was not found.',
  account_not_found: 'The account was not found.',
  bill_already_paid: 'The bill has already been paid.',
  no_amount_due: 'There is no amount due on this account or bill.',
  duplicate_payment: 'A payment with this channel transaction id already exists with a different request.',
  idempotency_key_in_use: 'A request with this Idempotency-Key is still being processed; retry later.',
  amount_out_of_range: 'The amount is outside the allowed range.',
  currency_mismatch: 'The currency does not match the bill currency.',
  inquiry_expired: 'The inquiry reference has expired; make a new bill inquiry.',
  idempotency_key_reused: 'This Idempotency-Key was already used with a different request body.',
  rate_limited: 'Too many requests; retry after the time given in Retry-After.',
  channel_unavailable: 'The payment channel is unavailable right now; no money was moved.',
  internal_error: 'An internal error occurred.',
  payment_reversed: 'The payment for this channel transaction id was reversed; it is not paid.',
  bill_payment_in_progress: 'Another payment of this bill is in progress; wait for its outcome.',
  invalid_state: 'The object is in a state that does not allow this action.',
  settlement_closed: "The channel's settlement for that business date is closed.",
  payload_too_large: 'The request body is larger than this route accepts.',
  service_unavailable: 'A service the gateway depends on is unavailable; retry with the same Idempotency-Key after Retry-After.',
  order_expired: 'The fee order has expired.',
};

export const errorBodySchema = z.object({
  error: z.object({
    code: errorCodeSchema,
    message: z.string(),
    requestId: z.string(),
    // Optional, machine-readable context (field issues, allowed range); adding fields is allowed.
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

// Thrown by services for an error response; the kit's HTTP error handler maps it to the status and
// the body above. `details` is for the client (e.g. field issues, the allowed range); for 5xx the
// handler replaces the message with the default so no internal text reaches the caller.
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: ErrorHttpStatus;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  constructor(code: ErrorCode, message?: string, details?: Readonly<Record<string, unknown>>, options?: ErrorOptions) {
    super(message ?? defaultErrorMessages[code], options);
    this.name = 'ApiError';
    this.code = code;
    this.status = httpStatusOf(code);
    this.details = details;
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

export function errorBody(code: ErrorCode, requestId: string, message?: string): ErrorBody {
  const status = httpStatusOf(code);
  return { error: { code, message: status >= 500 || message === undefined ? defaultErrorMessages[code] : message, requestId } };
}
