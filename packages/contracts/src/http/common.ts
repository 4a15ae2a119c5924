// Pieces shared by the HTTP schemas of every service.
import { z } from 'zod';
import { moneySchema } from '../money.ts';

// docs/api.md: 1–255 visible ASCII characters (0x21–0x7E): no spaces, no control characters, nothing a
// proxy might re-encode, so the stored key is byte-identical to the one the client sent.
export const idempotencyKeySchema = z
  .string({ error: 'Idempotency-Key header is required' })
  .regex(/^[\x21-\x7E]{1,255}$/, { error: 'Idempotency-Key must be 1–255 visible ASCII characters (0x21–0x7E)' });

// Node lowercases header names; this is the shape of `request.headers` on a state-changing POST.
export const idempotencyHeadersSchema = z.object({ 'idempotency-key': idempotencyKeySchema });

export const idempotencyHeaderName = 'Idempotency-Key';
export const idempotentReplayedHeaderName = 'Idempotent-Replayed';
export const requestIdHeaderName = 'X-Request-Id';

// Money as a request sends it: the same shape as everywhere, but strict, so `{ amount, currency,
// amountMinor }` is refused naming the stray field rather than read as something the caller did not mean.
// Events keep moneySchema as it is: a consumer must accept fields a newer producer adds.
export const moneyInputSchema = z.strictObject(moneySchema.shape, { error: 'money must be { amount: <integer minor units>, currency: "<ISO 4217 code>" }' });

// Bilingual display text: Arabic is the default language of the product, English is always there too.
export const localizedTextSchema = z.object({ ar: z.string().min(1), en: z.string().min(1) });
