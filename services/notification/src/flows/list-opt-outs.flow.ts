// The numbers opted out now, most recent first, a page at a time (after the position the previous
// page ended at).
import type { Queryable } from '@gateway/kit';
import * as optOuts from '../store/pg-opt-out-store.ts';
import type { OptOutPage, OptOutPosition } from '../store/pg-opt-out-store.ts';

export async function listOptOuts(ports: { db: Queryable }, page: { limit: number; after?: OptOutPosition | undefined }): Promise<OptOutPage> {
  return optOuts.listOptOuts(ports.db, page);
}
