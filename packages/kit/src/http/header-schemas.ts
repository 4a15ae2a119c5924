// Header schemas shared by routes, so the OpenAPI document describes them the same way everywhere.
import { z } from 'zod';

/** docs/api.md: 1–255 visible ASCII characters. */
export const idempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7E]{1,255}$/, 'must be 1 to 255 visible ASCII characters')
  .describe('Client-chosen key that makes a retry of this request safe; the first response is replayed for 30 days.');

export const idempotencyHeadersSchema = z.object({ 'idempotency-key': idempotencyKeySchema });

/** The signature headers, for the documentation of authenticated routes (the plugin does the checking). */
export const signatureHeadersSchema = z.object({
  'signature-input': z
    .string()
    .describe('sig1=("@method" "@target-uri" "content-digest");created=<unix>;nonce="<random>";keyid="<key id>";alg="hmac-sha256"'),
  signature: z.string().describe('sig1=:<base64 HMAC-SHA256>:'),
  'content-digest': z.string().optional().describe('sha-256=:<base64 SHA-256 of the body>: (RFC 9530); required with a body'),
});
