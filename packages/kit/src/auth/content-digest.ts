// Content-Digest (RFC 9530) with sha-256 over the exact bytes on the wire. The signature covers this
// header, and the header covers the body, so a body changed in transit breaks one or the other.
import { createHash, timingSafeEqual } from 'node:crypto';
import { parseDictionary } from 'structured-headers';

export function contentDigest(body: Uint8Array): string {
  return `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
}

/** The sha-256 value a Content-Digest header claims; only sha-256 is accepted (sha-512 would be fine too, but docs/api.md fixes sha-256). */
export function parseContentDigest(header: string): Buffer | 'malformed' | 'unsupported' {
  let parsed: ReturnType<typeof parseDictionary>;
  try {
    parsed = parseDictionary(header);
  } catch {
    return 'malformed';
  }
  const entry = parsed.get('sha-256');
  if (entry === undefined) return 'unsupported';
  const [value] = entry;
  if (!(value instanceof ArrayBuffer)) return 'malformed';
  return Buffer.from(value);
}

/** Timing-safe comparison of a claimed sha-256 digest with the one computed over the bytes received. */
export function digestMatches(claimed: Buffer, actual: Buffer): boolean {
  return claimed.length === actual.length && timingSafeEqual(claimed, actual);
}
