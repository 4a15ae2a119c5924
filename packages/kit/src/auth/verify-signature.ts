// The server side of API.md's HTTP Message Signatures, without the transport: given the method, the
// target URI, the headers and the raw body, say whether the request is authentic and, if not, why.
// The replay check (nonce) needs Redis and lives in the plugin.
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
import { checkContentDigest } from './content-digest.ts';
import { SIGNATURE_ALG, SIGNATURE_LABEL } from './sign-request.ts';

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

export interface SignedRequest {
  method: string;
  targetUri: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Buffer;
}

export type VerificationResult =
  | { ok: true; keyId: string; nonce: string; created: number; key: KeyEntry }
  | { ok: false; reason: RefusalReason; detail: string; keyId?: string };

export interface VerifyOptions {
  keys: ReadonlyMap<string, KeyEntry>;
  windowSeconds: number;
  nowSeconds: number;
}

const MAX_NONCE_LENGTH = 128;

function refuse(reason: RefusalReason, detail: string, keyId?: string): VerificationResult {
  return keyId === undefined ? { ok: false, reason, detail } : { ok: false, reason, detail, keyId };
}

function single(value: string | string[] | undefined): string | undefined {
  if (Array.isArray(value)) return value.length > 0 ? value.join(', ') : undefined;
  return value;
}

export async function verifySignature(request: SignedRequest, options: VerifyOptions): Promise<VerificationResult> {
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
  const hasBody = request.body.length > 0;
  const required = hasBody ? ['@method', '@target-uri', 'content-digest'] : ['@method', '@target-uri'];
  const missing = required.filter((c) => !components.includes(c));
  if (missing.length > 0) return refuse('uncovered_components', `the signature must cover ${missing.map((c) => `"${c}"`).join(', ')}`, keyId);

  // The digest binds the body to the signature: checked whenever there is a body or the client sent one.
  const digestHeader = single(request.headers['content-digest']);
  if (hasBody || digestHeader !== undefined || components.includes('content-digest')) {
    if (digestHeader === undefined) return refuse('missing_digest', 'Content-Digest is required with a body', keyId);
    const digest = checkContentDigest(digestHeader, request.body);
    if (digest === 'malformed') return refuse('missing_digest', 'Content-Digest is not a valid structured field', keyId);
    if (digest === 'unsupported') return refuse('missing_digest', 'Content-Digest must carry sha-256', keyId);
    if (digest === 'mismatch') return refuse('digest_mismatch', 'Content-Digest does not match the body', keyId);
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
        headers: onlyLabel(request.headers, input, signature),
      },
    );
  } catch (error) {
    // The library throws when a covered header is absent or a component cannot be derived.
    return refuse('malformed_signature', `the signature cannot be checked (${(error as Error).message})`, keyId);
  }
  if (verified !== true) return refuse('bad_signature', 'the signature does not match the request', keyId);
  return { ok: true, keyId, nonce, created, key };
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
function onlyLabel(headers: SignedRequest['headers'], input: InnerList, signature: Item): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && name !== 'signature' && name !== 'signature-input') out[name] = value;
  }
  out['signature-input'] = serializeDictionary(new Map([[SIGNATURE_LABEL, input]]));
  out.signature = serializeDictionary(new Map([[SIGNATURE_LABEL, signature]]));
  return out;
}
