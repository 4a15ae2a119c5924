// The Messages screen's request shapes. The answers are notification's own (packages/contracts,
// http/notification.ts). A number is checked for its form here, so a typo is a 400 without a call;
// whether it is a Syrian mobile is notification's rule (its 400 passes through with its code).
import { storableText } from '@gateway/contracts';
import { z } from 'zod';

const msisdn = storableText()
  .trim()
  .regex(/^\+?[0-9][0-9 ()-]{5,30}$/, { error: 'must be a mobile number: +963…, 00963… or 09…' });

const page = {
  limit: z.coerce.number().int().min(1).max(100).optional(),
  cursor: storableText().min(1).max(500).optional(),
};

export const messagesQuerySchema = z.strictObject({ to: msisdn, limit: z.coerce.number().int().min(1).max(100).optional() });

export const optOutsQuerySchema = z.strictObject({ msisdn: msisdn.optional(), ...page });

export const campaignsQuerySchema = z.strictObject(page);

export const campaignParamsSchema = z.object({ campaignId: z.guid({ error: 'must be a campaign id (a UUID)' }) });

/** The form's key, made by the browser when the form opens (see flows/messages.flow.ts). */
export const campaignCreateHeadersSchema = z.object({ 'idempotency-key': z.uuid({ error: 'Idempotency-Key must be a UUID made when the form opened' }) });

export const cancelBodySchema = z.strictObject({ reason: storableText().trim().min(3).max(500) });
