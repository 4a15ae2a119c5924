// The payment notification body as this service accepts it: the contract's schema plus the paidAt
// window around the service's clock (domain/paid-at-window.ts), checked at validation so a refused
// paidAt is a 400 naming the field, like any other invalid field, before anything is recorded.
import { paymentNotificationBodySchema } from '@gateway/contracts';
import { paidAtProblem } from '../domain/paid-at-window.ts';
import type { RouteDeps } from './route-deps.ts';

export function paymentNotificationBodyWithin(deps: Pick<RouteDeps, 'config' | 'now'>) {
  const window = { maxAheadMs: deps.config.PAID_AT_MAX_AHEAD, maxAgeMs: deps.config.PAID_AT_MAX_AGE };
  return paymentNotificationBodySchema.superRefine((body, ctx) => {
    const problem = paidAtProblem(body.paidAt, deps.now?.() ?? new Date(), window);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['paidAt'], message: problem });
  });
}
