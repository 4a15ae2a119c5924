// What billing can store and pass on. Valid JSON and a valid URL can both carry U+0000 and unpaired
// UTF-16 surrogates (`"\u0000"`, `"\ud800"`); Postgres text and jsonb hold neither (NUL is refused,
// a lone surrogate has no UTF-8 form), nor do the Kafka consumers downstream expect them. Refused at
// the edge as the caller's mistake, they are a 400 or a rejected row instead of a 500 from the database.

// A high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const unstorableTextMessage = 'must not contain NUL (U+0000) or unpaired surrogate characters';

export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && !loneSurrogate.test(value);
}

/**
 * The path of the first string (value or key) in `value` that is not storable text, '' for `value`
 * itself, or undefined when every string is fine. Walks plain JSON data only.
 */
export function unstorableTextPath(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return isStorableText(value) ? undefined : path;
  if (typeof value !== 'object' || value === null) return undefined;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [key, item] of entries) {
    const here = path === '' ? key : `${path}.${key}`;
    if (!isStorableText(key)) return here;
    const found = unstorableTextPath(item, here);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Postgres has no year 0 (ISO 8601's 0000 is 1 BC): a `0000-…` date cannot be stored or compared. */
export function isStorableDate(date: string): boolean {
  return !date.startsWith('0000');
}
