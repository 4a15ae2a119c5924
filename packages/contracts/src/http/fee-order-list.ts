// GET /v1/fee-orders (billing, operator clients): the fee orders of the government fee billers, newest
// first, for the console's Fees and collections screen. Each order as GET /v1/fee-orders/{orderRef}
// shows it to its authority.
import { z } from 'zod';
import { idSchema } from '../primitives.ts';
import { feeOrderStatusSchema, feeOrderViewSchema } from './fee-orders.ts';

export const feeOrderListQuerySchema = z.strictObject({
  // One fee biller's orders; without it, every fee biller's.
  billerId: idSchema.optional(),
  // The orders in that state now (an order past its expiry unpaid is expired).
  status: feeOrderStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});
export type FeeOrderListQuery = z.infer<typeof feeOrderListQuerySchema>;

export const feeOrderListSchema = z.object({
  orders: z.array(feeOrderViewSchema),
  // More orders match than `limit`: the oldest of them are left out.
  more: z.boolean(),
});
export type FeeOrderList = z.infer<typeof feeOrderListSchema>;
