// The client side of docs/api.md's HTTP Message Signatures: one implementation shared by the tests, the
// bench scripts and the simulators, so the verifier is exercised by exactly what clients are told to do.
import { randomBytes } from 'node:crypto';
import { createSigner, httpbis } from 'http-message-signatures';
import { contentDigest } from './content-digest.ts';
import { normaliseTargetUri } from './target-uri.ts';

export const SIGNATURE_LABEL = 'sig1';
export const SIGNATURE_ALG = 'hmac-sha256';
/**
 * The person an operator client (the console) acts for; audit rows name them beside the client. When
 * the request carries it, the signature covers it, so it cannot be swapped on the way.
 */
export const OPERATOR_PERSON_HEADER = 'x-operator-person';

export interface SignRequestInput {
  method: string;
  /** The absolute URL the request goes to (scheme, host, path and query). */
  url: string | URL;
  /** The request's other headers; only used to carry them through, nothing else is signed. */
  headers?: Readonly<Record<string, string>>;
  /** The exact bytes that will be sent. A string is sent as UTF-8. No body, or an empty one: no Content-Digest. */
  body?: string | Uint8Array;
  keyId: string;
  /** Base64 of the HMAC key, as in clients.json. */
  secret: string;
  /** Unix seconds; now when omitted. */
  created?: number;
  nonce?: string;
}

export interface SignatureHeaders {
  'content-digest'?: string;
  'signature-input': string;
  signature: string;
}

export function bodyBytes(body: string | Uint8Array | undefined): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/** Headers to add to the request: Content-Digest (when there is a body), Signature-Input and Signature. */
export async function signRequest(input: SignRequestInput): Promise<SignatureHeaders> {
  const body = bodyBytes(input.body);
  const digest = body.length > 0 ? contentDigest(body) : undefined;
  const headers: Record<string, string> = { ...input.headers };
  if (digest !== undefined) headers['content-digest'] = digest;

  const created = input.created ?? Math.floor(Date.now() / 1000);
  const nonce = input.nonce ?? randomBytes(16).toString('base64url');
  const signed = await httpbis.signMessage(
    {
      key: createSigner(Buffer.from(input.secret, 'base64'), SIGNATURE_ALG, input.keyId),
      name: SIGNATURE_LABEL,
      fields: [
        '@method',
        '@target-uri',
        ...(digest !== undefined ? ['content-digest'] : []),
        ...(headers[OPERATOR_PERSON_HEADER] !== undefined ? [OPERATOR_PERSON_HEADER] : []),
      ],
      // docs/api.md's parameter order; the library serialises them in this order into Signature-Input.
      params: ['created', 'nonce', 'keyid', 'alg'],
      paramValues: { created: new Date(created * 1000), nonce, keyid: input.keyId, alg: SIGNATURE_ALG },
    },
    { method: input.method.toUpperCase(), url: normaliseTargetUri(input.url), headers },
  );
  const out = lowerCaseKeys(signed.headers);
  const result: SignatureHeaders = { 'signature-input': String(out['signature-input']), signature: String(out.signature) };
  if (digest !== undefined) result['content-digest'] = digest;
  return result;
}

function lowerCaseKeys(headers: Record<string, string | string[]>): Record<string, string | string[]> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
