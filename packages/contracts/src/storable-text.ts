// The one rule for text the gateway accepts from outside and stores or passes on: every id and string
// field of every service's HTTP schemas, and every row of a bill import, goes through it.
//
// Valid JSON and a valid URL can both carry U+0000 and unpaired UTF-16 surrogates (`"\u0000"`,
// `"\ud800"`); Postgres text and jsonb hold neither (NUL is refused, a lone surrogate has no UTF-8
// form and would come back as U+FFFD), nor do the Kafka consumers downstream or a handset expect
// them. Other control characters (ESC, backspace, DEL, the C1 range) are storable but are never part
// of an id, a name or an SMS, and they can rewrite what an operator's terminal or log viewer shows.
// Refused at the edge as the caller's mistake, they are a 400 naming the field (or a rejected row)
// instead of a 500 from the database. Tab and line breaks stay allowed in free text.
import { z } from 'zod';

// A high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// C0 controls but tab (U+0009), line feed (U+000A) and carriage return (U+000D); DEL and the C1 range.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const controlCharacter = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

export const unstorableTextMessage =
  'must not contain NUL (U+0000) or unpaired surrogate characters, nor other control characters (U+0001–U+001F but tab and line breaks, U+007F–U+009F)';

export function isStorableText(value: string): boolean {
  return !controlCharacter.test(value) && !loneSurrogate.test(value);
}

/** A string schema that refuses unstorable text; chain `.trim()`, `.min()`, `.max()` as usual. */
export function storableText() {
  return z.string().refine(isStorableText, { error: unstorableTextMessage });
}

/**
 * The path of the first string (value or key) in `value` that is not storable text, '' for `value`
 * itself, or undefined when every string is fine. Walks plain JSON data only, without recursion, so a
 * deeply nested value cannot exhaust the stack.
 */
export function unstorableTextPath(value: unknown): string | undefined {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [item, path] = stack.pop()!;
    if (typeof item === 'string') {
      if (!isStorableText(item)) return path;
      continue;
    }
    if (typeof item !== 'object' || item === null) continue;
    const entries = Array.isArray(item) ? item.map((v, i) => [String(i), v] as const) : Object.entries(item);
    const children = entries.map(([key, child]) => [child, path === '' ? key : `${path}.${key}`] as [unknown, string]);
    const badKey = entries.findIndex(([key]) => !isStorableText(key));
    if (badKey >= 0) return children[badKey]![1];
    // Pushed in reverse so the first bad value in document order is the one found.
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return undefined;
}

/** Postgres has no year 0 (ISO 8601's 0000 is 1 BC): a `0000-…` date cannot be stored or compared. */
export function isStorableDate(date: string): boolean {
  return !date.startsWith('0000');
}
