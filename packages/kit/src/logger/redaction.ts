// What must never reach a log line (docs/design.md, Security): secrets, OTPs, PINs, signatures, credentials,
// full account and card numbers. pino's `redact` paths cover fixed places (headers after the request
// serializer), but it has no "any depth" wildcard, so a log formatter walks every logged object and
// masks by key name wherever the key appears. Matching is on the key name with case, `-` and `_`
// ignored, so `Signature-Input`, `signature_input` and `signatureInput` are all caught.

export const REDACTED = '[REDACTED]';

const normalise = (key: string): string => key.toLowerCase().replace(/[-_]/g, '');

// Removed outright: nothing of their value helps an operator.
const secretKeys = new Set(
  [
    'password', 'passwd', 'pass', 'secret', 'clientSecret', 'secrets', 'otp', 'pin', 'cvv', 'cvc', 'token',
    'accessToken', 'refreshToken', 'apiKey', 'authorization', 'proxyAuthorization', 'cookie', 'setCookie',
    'signature', 'signatureInput', 'privateKey', 'hmacKey',
  ].map(normalise),
);

// Kept partly: the last digits are what support staff use to find a customer's case.
const accountKeys = new Set(['accountNo', 'accountNumber', 'cardNumber', 'cardNo', 'pan', 'iban', 'payerAccount'].map(normalise));
const phoneKeys = new Set(['msisdn', 'phone', 'phoneNumber', 'mobile', 'to', 'from'].map(normalise));

export function maskAccountNumber(value: string): string {
  const visible = value.length > 8 ? 4 : Math.min(2, Math.max(0, value.length - 4));
  return `${'*'.repeat(Math.max(value.length - visible, 3))}${value.slice(value.length - visible)}`;
}

/** +963912345678 → +9639*****678: the operator prefix and last three digits, enough to tell lines apart. */
export function maskMsisdn(value: string): string {
  if (!/^\+?\d{7,15}$/.test(value)) return value;
  const head = value.startsWith('+') ? 5 : 4;
  return `${value.slice(0, head)}${'*'.repeat(Math.max(value.length - head - 3, 1))}${value.slice(-3)}`;
}

export function maskValue(key: string, value: unknown): unknown {
  const k = normalise(key);
  if (secretKeys.has(k)) return value === undefined || value === null ? value : REDACTED;
  if (accountKeys.has(k)) {
    if (typeof value === 'string') return maskAccountNumber(value);
    if (typeof value === 'number' || typeof value === 'bigint') return maskAccountNumber(String(value));
  }
  if (phoneKeys.has(k) && typeof value === 'string') return maskMsisdn(value);
  return undefined;
}

const MAX_DEPTH = 10;

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * A copy of `value` with sensitive keys masked at any depth; the original when nothing needed masking
 * (logging is hot, and most objects are clean). Class instances other than Error are left alone:
 * they serialise through their own toJSON or serializer.
 */
export function redactDeep(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (seen.has(value)) return value;
  seen.add(value);
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((item: unknown) => {
      const next = redactDeep(item, depth + 1, seen);
      if (next !== item) changed = true;
      return next;
    });
    return changed ? out : value;
  }
  // Errors are left to the `err` serializer, which serialises them and then passes the result back here.
  if (!isPlainObject(value)) return value;
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const item = value[key];
    const masked = maskValue(key, item);
    const next = masked !== undefined ? masked : redactDeep(item, depth + 1, seen);
    if (next !== item) {
      out ??= { ...value };
      out[key] = next;
    }
  }
  return out ?? value;
}

const sensitiveQuery = (name: string): boolean => {
  const k = normalise(name);
  return secretKeys.has(k) || accountKeys.has(k) || phoneKeys.has(k);
};

/** `/v1/bills?billerId=t&accountNo=0112345678` → `/v1/bills?billerId=t&accountNo=******5678`. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  let changed = false;
  for (const [name, value] of [...params.entries()]) {
    if (!sensitiveQuery(name)) continue;
    const masked = maskValue(name, value);
    params.set(name, typeof masked === 'string' ? masked : REDACTED);
    changed = true;
  }
  return changed ? `${url.slice(0, q)}?${params.toString()}` : url;
}

// For pino's `redact`: the places the formatter cannot reach. Serializers run after it, and pino
// applies the bindings formatter to the root logger only, so a child logger's bindings are covered
// by these top-level names (pino has no any-depth wildcard).
export const redactPaths: readonly string[] = [
  ...['password', 'secret', 'otp', 'pin', 'token', 'signature', 'authorization', 'cookie', 'apiKey'],
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers.signature',
  'req.headers["signature-input"]',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  'err.config.headers.authorization',
];
