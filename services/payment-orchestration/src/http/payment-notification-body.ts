// The payment notification body as this service accepts it: the contract's schema plus the paidAt
// window around the service's clock (domain/paid-at-window.ts), checked at validation so a refused
// paidAt is a 400 naming the field, like any other invalid field, before anything is recorded. The
// same goes for what it pays: exactly one of accountNo and entityId (a public entity's one transfer,
// issue 16), and no inquiryRef with entityId (an inquiry quotes one account's bills, not an entity's).
import { paymentNotificationBodySchema } from '@gateway/contracts';
import { paidAtProblem } from '../domain/paid-at-window.ts';
import type { RouteDeps } from './route-deps.ts';

export function paymentNotificationBodyWithin(deps: Pick<RouteDeps, 'config' | 'now'>) {
  const window = { maxAheadMs: deps.config.PAID_AT_MAX_AHEAD, maxAgeMs: deps.config.PAID_AT_MAX_AGE };
  return paymentNotificationBodySchema.superRefine((body, ctx) => {
    const problem = paidAtProblem(body.paidAt, deps.now?.() ?? new Date(), window);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['paidAt'], message: problem });
    if (body.accountNo === undefined && body.entityId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['accountNo'], message: 'accountNo (or entityId, for a public entity) is required' });
    }
    if (body.accountNo !== undefined && body.entityId !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['entityId'], message: 'give accountNo or entityId, not both' });
    }
    if (body.entityId !== undefined && body.inquiryRef !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['inquiryRef'], message: "an inquiryRef quotes one account's bills; a public entity's payment takes none" });
    }
  });
}
