// The server side of docs/api.md's HTTP Message Signatures, without the transport. It works in two steps
// because the body comes last on the wire: verifySignatureHeaders decides everything the headers alone
// can decide (the HMAC covers the Content-Digest HEADER, not the body), so an unsigned or forged
// request is refused before a byte of its body is read; the body then only has to match the digest
// the signature vouches for, which the plugin checks while the body streams. verifySignature does
// both at once for a body already in hand. The replay check (nonce) needs Redis and lives in the plugin.
//
// The signature base and the HMAC comparison come from `http-message-signatures` (RFC 9421 base
// construction, timing-safe compare). What it leaves to the caller is done here, before it is called:
// our stricter policy (exactly the `sig1` label; `created`, `nonce`, `keyid` and `alg` all required;
// alg must be hmac-sha256 even though the library would accept a signature without `alg`; the
// covered components must include "@method", "@target-uri" and, with a body, "content-digest"), the
// Content-Digest check against the raw body (RFC 9530, which the library does not do), and the
// clock window in both directions with a reason we can report.
import { createVerifier, httpbis } from 'http-message-signatures';
import { isInnerList, parseDictionary, serializeDictionary } from 'structured-headers';
import type { Dictionary, InnerList, Item } from 'structured-headers';
import type { KeyEntry } from './clients.ts';
import { createHash } from 'node:crypto';
import { digestMatches, parseContentDigest } from './content-digest.ts';
import { OPERATOR_PERSON_HEADER, SIGNATURE_ALG, SIGNATURE_LABEL } from './sign-request.ts';

export type RefusalReason =
  | 'missing_signature'
  | 'malformed_signature'
  | 'unsupported_algorithm'
  | 'uncovered_components'
  | 'missing_digest'
  | 'digest_mismatch'
  | 'stale_signature'
  | 'future_signature'
  | 'unknown_key'
  | 'bad_signature'
  | 'replayed_nonce';

export interface SignedRequestHeaders {
  method: string;
  targetUri: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Whether a body follows the headers (Content-Length above 0, or Transfer-Encoding). */
  hasBody: boolean;
}

export interface SignedRequest extends Omit<SignedRequestHeaders, 'hasBody'> {
  body: Buffer;
}

export type Refused = { ok: false; reason: RefusalReason; detail: string; keyId?: string };

export type HeadersVerified = {
  ok: true;
  keyId: string;
  nonce: string;
  created: number;
  key: KeyEntry;
  /** The sha-256 the signed Content-Digest claims for the body; undefined when no digest was sent. */
  digest: Buffer | undefined;
};

export type VerificationResult = { ok: true; keyId: string; nonce: string; created: number; key: KeyEntry } | Refused;

export interface VerifyOptions {
  keys: ReadonlyMap<string, KeyEntry>;
  windowSeconds: number;
  nowSeconds: number;
}

const MAX_NONCE_LENGTH = 128;

function refuse(reason: RefusalReason, detail: string, keyId?: string): Refused {
  return keyId === undefined ? { ok: false, reason, detail } : { ok: false, reason, detail, keyId };
}

function single(value: string | string[] | undefined): string | undefined {
  if (Array.isArray(value)) return value.length > 0 ? value.join(', ') : undefined;
  return value;
}

/** Verifies a request whose body is already in hand: the headers, then the body against the signed digest. */
export async function verifySignature(request: SignedRequest, options: VerifyOptions): Promise<VerificationResult> {
  const headers = await verifySignatureHeaders({ ...request, hasBody: request.body.length > 0 }, options);
  if (!headers.ok) return headers;
  const refusal = checkBodyDigest(headers, createHash('sha256').update(request.body).digest());
  if (refusal !== undefined) return refusal;
  return { ok: true, keyId: headers.keyId, nonce: headers.nonce, created: headers.created, key: headers.key };
}

/** The last step, once the body has been read: its sha-256 against the digest the signature covers. */
export function checkBodyDigest(verified: HeadersVerified, bodySha256: Buffer): Refused | undefined {
  if (verified.digest === undefined) {
    // Without a digest header the signature did not need to cover one: only an empty body is allowed.
    return bodySha256.equals(emptySha256) ? undefined : refuse('missing_digest', 'Content-Digest is required with a body', verified.keyId);
  }
  return digestMatches(verified.digest, bodySha256) ? undefined : refuse('digest_mismatch', 'Content-Digest does not match the body', verified.keyId);
}

const emptySha256 = createHash('sha256').digest();

/**
 * Everything that can be decided before the body is read: the signature's form and parameters, the
 * clock window, the key, and the HMAC over method, target URI and the Content-Digest header.
 */
export async function verifySignatureHeaders(request: SignedRequestHeaders, options: VerifyOptions): Promise<HeadersVerified | Refused> {
  const inputHeader = single(request.headers['signature-input']);
  const signatureHeader = single(request.headers.signature);
  if (inputHeader === undefined || signatureHeader === undefined) {
    return refuse('missing_signature', 'Signature-Input and Signature headers are required');
  }

  let inputs: Dictionary;
  let signatures: Dictionary;
  try {
    inputs = parseDictionary(inputHeader);
    signatures = parseDictionary(signatureHeader);
  } catch {
    return refuse('malformed_signature', 'Signature-Input or Signature is not a valid structured field');
  }
  const input = inputs.get(SIGNATURE_LABEL);
  const signature = signatures.get(SIGNATURE_LABEL);
  if (input === undefined || signature === undefined || !isInnerList(input) || isInnerList(signature) || !(signature[0] instanceof ArrayBuffer)) {
    return refuse('malformed_signature', `Signature-Input and Signature must carry a "${SIGNATURE_LABEL}" entry`);
  }

  // `as unknown`: structured-headers' BareItem mentions the DOM's BufferSource, which this project's
  // lib settings do not define; every value is checked for its type right below anyway.
  const params = input[1] as Map<string, unknown>;
  const created = params.get('created');
  const nonce = params.get('nonce');
  const keyId = params.get('keyid');
  const alg = params.get('alg');
  if (typeof keyId !== 'string' || keyId.length === 0) return refuse('malformed_signature', 'keyid is required');
  if (typeof created !== 'number' || !Number.isInteger(created)) return refuse('malformed_signature', 'created must be an integer (Unix seconds)', keyId);
  if (typeof nonce !== 'string' || nonce.length === 0 || nonce.length > MAX_NONCE_LENGTH) {
    return refuse('malformed_signature', `nonce is required (a string of 1 to ${MAX_NONCE_LENGTH} characters)`, keyId);
  }
  if (alg !== SIGNATURE_ALG) return refuse('unsupported_algorithm', `alg must be "${SIGNATURE_ALG}"`, keyId);

  const components = coveredComponents(input);
  if (components === undefined) return refuse('malformed_signature', 'covered components must be strings', keyId);
  const hasBody = request.hasBody;
  const required = hasBody ? ['@method', '@target-uri', 'content-digest'] : ['@method', '@target-uri'];
  // The person an operator client acts for is written to audit rows: it must be signed like the rest.
  if (request.headers[OPERATOR_PERSON_HEADER] !== undefined) required.push(OPERATOR_PERSON_HEADER);
  const missing = required.filter((c) => !components.includes(c));
  if (missing.length > 0) return refuse('uncovered_components', `the signature must cover ${missing.map((c) => `"${c}"`).join(', ')}`, keyId);

  // The digest binds the body to the signature: required whenever there is a body or the client sent
  // one. Here only its form; the body is compared with it once read (checkBodyDigest).
  const digestHeader = single(request.headers['content-digest']);
  let digest: Buffer | undefined;
  if (hasBody || digestHeader !== undefined || components.includes('content-digest')) {
    if (digestHeader === undefined) return refuse('missing_digest', 'Content-Digest is required with a body', keyId);
    const claimed = parseContentDigest(digestHeader);
    if (claimed === 'malformed') return refuse('missing_digest', 'Content-Digest is not a valid structured field', keyId);
    if (claimed === 'unsupported') return refuse('missing_digest', 'Content-Digest must carry sha-256', keyId);
    digest = claimed;
  }

  // Both directions: a clock far ahead would otherwise let a captured request be replayed once its
  // nonce has expired from Redis.
  const skew = options.nowSeconds - created;
  if (skew > options.windowSeconds) return refuse('stale_signature', `created is more than ${options.windowSeconds} s in the past`, keyId);
  if (-skew > options.windowSeconds) return refuse('future_signature', `created is more than ${options.windowSeconds} s in the future`, keyId);

  const key = options.keys.get(keyId);
  if (key === undefined) return refuse('unknown_key', 'unknown keyid', keyId);

  let verified: boolean | null;
  try {
    verified = await httpbis.verifyMessage(
      {
        keyLookup: (p) => Promise.resolve(p.keyid === keyId ? { id: keyId, algs: [SIGNATURE_ALG], verify: createVerifier(key.secret, SIGNATURE_ALG) } : null),
        requiredParams: ['created', 'nonce', 'keyid', 'alg'],
        requiredFields: required,
        // The window was checked above with a reason; these only keep the library from applying its own defaults.
        maxAge: options.windowSeconds,
        notAfter: options.nowSeconds + options.windowSeconds,
      },
      {
        method: request.method.toUpperCase(),
        url: request.targetUri,
        // Re-serialised only when there is another signature to hide (rare): it costs per request.
        headers: inputs.size === 1 && signatures.size === 1 ? (request.headers as Record<string, string | string[]>) : onlyLabel(request.headers, input, signature),
      },
    );
  } catch (error) {
    // The library throws when a covered header is absent or a component cannot be derived.
    return refuse('malformed_signature', `the signature cannot be checked (${(error as Error).message})`, keyId);
  }
  if (verified !== true) return refuse('bad_signature', 'the signature does not match the request', keyId);
  return { ok: true, keyId, nonce, created, key, digest };
}

function coveredComponents(input: InnerList): string[] | undefined {
  const names: string[] = [];
  for (const [name] of input[0]) {
    if (typeof name !== 'string') return undefined;
    names.push(name);
  }
  return names;
}

// The library verifies every signature in the headers; other labels (a proxy's own signature, say)
// are not ours to judge, so it only sees sig1.
function onlyLabel(headers: SignedRequestHeaders['headers'], input: InnerList, signature: Item): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && name !== 'signature' && name !== 'signature-input') out[name] = value;
  }
  out['signature-input'] = serializeDictionary(new Map([[SIGNATURE_LABEL, input]]));
  out.signature = serializeDictionary(new Map([[SIGNATURE_LABEL, signature]]));
  return out;
}
