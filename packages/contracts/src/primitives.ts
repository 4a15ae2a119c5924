// Small schemas shared by the event and HTTP contracts. They live in one place so that a business date
// or an id means the same thing on a Kafka topic as in a request body.
import { z } from 'zod';
import { storableText } from './storable-text.ts';

// `YYYY-MM-DD` in Asia/Damascus (docs/api.md). zod's ISO date check also refuses impossible calendar dates
// such as 2026-02-30 or 2025-02-29, which a plain regex would let through to Postgres.
export const businessDateSchema = z.iso.date({ error: 'must be a real calendar date as YYYY-MM-DD' });
export type BusinessDate = z.infer<typeof businessDateSchema>;

// `YYYY-MM` for monthly statements.
export const yearMonthSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: 'must be a month as YYYY-MM' });

// RFC 3339 in UTC with a `Z` suffix (docs/api.md: timestamps are UTC). Offsets are refused so that string
// comparison of two timestamps orders them correctly.
export const timestampSchema = z.iso.datetime({ error: 'must be an RFC 3339 UTC timestamp ending in Z' });
export type Timestamp = z.infer<typeof timestampSchema>;

// Identifiers minted by the services. Kept as opaque strings (not forced to a UUID shape) so that a
// service may choose UUID v7 or a prefixed id without a contract change; bounded so a column fits,
// and storable text (storable-text.ts) like every string the gateway takes in.
export const idSchema = storableText().min(1).max(128);

// Our own account number at the telecom (landline number or internet account). The billing service
// validates and normalises it with a phone-number library; the contract only bounds it.
export const accountNoSchema = storableText().trim().min(1).max(64);

// E.164 or national form; libphonenumber validation happens in the services (docs/design.md).
export const msisdnSchema = storableText().trim().min(3).max(32);

export const holderClasses = ['individual', 'business', 'public_entity'] as const;
export const holderClassSchema = z.enum(holderClasses);
export type HolderClass = z.infer<typeof holderClassSchema>;

export const periodSchema = z
  .object({ from: businessDateSchema, to: businessDateSchema })
  // ISO dates compare correctly as strings.
  .refine((p) => p.from <= p.to, { error: 'period.from must not be after period.to', path: ['to'] });
export type Period = z.infer<typeof periodSchema>;
