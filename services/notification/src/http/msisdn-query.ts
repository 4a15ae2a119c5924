// A subscriber's number in a query string, as an operator types it (+963…, 00963…, 09…), turned into
// the E.164 key everything is stored under; anything else is a 400 naming the field.
import { ApiError } from '@gateway/contracts';
import { normaliseMsisdn } from '../domain/msisdn.ts';

export function msisdnFromQuery(value: string, field: string): string {
  const normalised = normaliseMsisdn(value);
  if (normalised !== null) return normalised;
  const problem = 'is not a Syrian mobile number (+9639…, 009639… or 09…)';
  throw new ApiError('invalid_request', `Invalid request: querystring.${field}: ${problem}`, { fields: [{ field: `querystring.${field}`, problem }] });
}
