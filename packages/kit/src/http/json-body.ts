// The JSON body parser of every service. Fastify's default (JSON.parse behind secure-json-parse) is
// kept for the parsing itself and its __proto__/constructor checks; in front of it, three things
// JSON.parse lets through are refused as the caller's mistake, 400 invalid_request:
//   - a charset other than UTF-8, and bytes that are not UTF-8: decoding would turn them silently into U+FFFD and we would store a
//     different text than the one sent (and signed);
//   - a duplicated key (`{"amount":1,"amount":100}`): JSON.parse keeps the last one, another parser on
//     the way (a proxy, an audit tool) may keep the first, so two readers of one request could see two
//     different payments. RFC 8259 leaves it undefined; we refuse it rather than pick one;
//   - nesting deeper than maxJsonDepth: no request of the API nests more than 6 levels, and code that
//     walks a parsed body recursively (schema validation, text checks, JSON.stringify) must never meet
//     10,000 levels and exhaust the stack.
// No parser option or well-kept library does the last two without itself recursing over the input
// (jsonc-parser's visitor descends recursively), so one linear scan here does both before parsing.
import { ApiError } from '@gateway/contracts';
import type { FastifyBodyParser, FastifyRequest } from 'fastify';

/** The deepest nesting of objects and arrays a request body may have. */
export const maxJsonDepth = 32;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isJsonWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * The first duplicated key or too-deep nesting in `text`, or undefined. Not a validator: syntax
 * errors are left to JSON.parse, which names them; this only has to survive malformed input.
 */
export function jsonStructureProblem(text: string, maxDepth = maxJsonDepth): string | undefined {
  // One entry per open container: the keys seen so far for an object, null for an array.
  const open: (Set<string> | null)[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const start = i;
      let escaped = false;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) {
          escaped = true;
          i++;
        } else if (d === 0x22) break;
      }
      const keys = open[open.length - 1];
      if (keys === undefined || keys === null) continue;
      let j = i + 1;
      while (j < text.length && isJsonWhitespace(text.charCodeAt(j))) j++;
      if (text.charCodeAt(j) !== 0x3a) continue; // a value, not a key
      let key: string;
      try {
        key = escaped ? (JSON.parse(text.slice(start, i + 1)) as string) : text.slice(start + 1, i);
      } catch {
        return undefined; // a broken string: JSON.parse will say so
      }
      if (keys.has(key)) return `duplicate key ${JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key)}`;
      keys.add(key);
    } else if (c === 0x7b || c === 0x5b) {
      if (open.length >= maxDepth) return `nested deeper than ${maxDepth} levels`;
      open.push(c === 0x7b ? new Set() : null);
    } else if (c === 0x7d || c === 0x5d) {
      open.pop();
    }
  }
  return undefined;
}

type JsonParser = (request: FastifyRequest, body: string, done: (err: Error | null, body?: unknown) => void) => void;

/** Wraps fastify's default JSON parser (from getDefaultJsonParser) with the checks above. */
export function strictJsonParser(parseJson: JsonParser): FastifyBodyParser<Buffer> {
  return (request, body, done) => {
    // JSON is UTF-8 (RFC 8259); a body declared in another charset would be read as something else.
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1];
    if (charset !== undefined && charset.toLowerCase() !== 'utf-8') {
      done(new ApiError('invalid_request', `The request body must be JSON in UTF-8, not ${charset.slice(0, 32)}.`), undefined);
      return;
    }
    let text: string;
    try {
      text = utf8.decode(body);
    } catch {
      done(new ApiError('invalid_request', 'The request body is not valid UTF-8.'), undefined);
      return;
    }
    const problem = jsonStructureProblem(text);
    if (problem !== undefined) {
      done(new ApiError('invalid_request', `The request body is not acceptable JSON: ${problem}.`), undefined);
      return;
    }
    parseJson(request, text, done);
  };
}
