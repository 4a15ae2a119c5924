// The `cursor` of the paginated lists: opaque to callers (base64url of the last row's sort key), so
// the key can change without a contract change. A cursor that was not made here is the caller's
// mistake: 400 invalid_request naming the parameter, never a database error.
import { ApiError, storableText } from '@gateway/contracts';
import { z } from 'zod';

const keySchema = z.tuple([z.string().max(64), z.string().max(64)]);

export const pageQueryShape = {
  limit: z.coerce.number().int().min(1).max(100).optional().describe('Page size, 1–100 (default 50).'),
  cursor: storableText().max(512).optional().describe('nextCursor of the previous page.'),
};

export const defaultPageSize = 50;

export function encodeCursor(key: readonly [string, string]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The two parts of a cursor, each checked by `check`; throws 400 when it is not a cursor we issued. */
export function decodeCursor(cursor: string, check: (key: [string, string]) => boolean): [string, string] {
  let key: [string, string] | undefined;
  try {
    const parsed = keySchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success && check(parsed.data)) key = parsed.data;
  } catch {
    key = undefined;
  }
  if (key === undefined) {
    throw new ApiError('invalid_request', 'cursor is not a nextCursor this list returned.', { fields: [{ field: 'querystring.cursor', problem: 'is not a valid cursor' }] });
  }
  return key;
}
