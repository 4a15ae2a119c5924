import { describe, it, expect } from '@jest/globals';
import { ApiError, defaultErrorMessages, errorBody, errorBodySchema, errorCodes, httpStatusOf } from '../src/index.ts';

// docs/api.md's table, written out again on purpose: the test fails if the code drifts from the contract.
const expected = {
  invalid_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  biller_not_found: 404,
  account_not_found: 404,
  bill_already_paid: 409,
  no_amount_due: 409,
  duplicate_payment: 409,
  idempotency_key_in_use: 409,
  amount_out_of_range: 422,
  currency_mismatch: 422,
  inquiry_expired: 422,
  idempotency_key_reused: 422,
  rate_limited: 429,
  channel_unavailable: 503,
  internal_error: 500,
  payment_reversed: 409,
  bill_payment_in_progress: 409,
  invalid_state: 409,
  settlement_closed: 409,
  payload_too_large: 413,
  service_unavailable: 503,
  order_expired: 422,
} as const;

describe('error catalogue', () => {
  it('has exactly the codes of docs/api.md', () => {
    expect([...errorCodes].sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s → %i', (code, status) => {
    expect(httpStatusOf(code as keyof typeof expected)).toBe(status);
    expect(defaultErrorMessages[code as keyof typeof expected]).toEqual(expect.any(String));
  });

  it('ApiError carries code, status, message and details', () => {
    const err = new ApiError('amount_out_of_range', 'amount must be between 1 and 150000', { min: 1, max: 150000 });
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe('amount_out_of_range');
    expect(err.status).toBe(422);
    expect(err.message).toBe('amount must be between 1 and 150000');
    expect(err.details).toEqual({ min: 1, max: 150000 });
    expect(new ApiError('not_found').message).toBe(defaultErrorMessages.not_found);
  });

  it('error bodies match the schema and never carry 5xx text', () => {
    const body = errorBody('internal_error', 'req-1', 'connection refused to 10.0.0.5:5432');
    expect(errorBodySchema.parse(body)).toEqual(body);
    expect(body.error.message).toBe(defaultErrorMessages.internal_error);
    expect(errorBody('bill_already_paid', 'req-2', 'paid by bank-one').error.message).toBe('paid by bank-one');
    expect(errorBodySchema.safeParse({ error: { code: 'nope', message: '', requestId: 'x' } }).success).toBe(false);
  });
});
