// Collections per biller over a range of Damascus days (domain/collections.ts says what is counted),
// for operators: the telecom's and each fee biller's side by side.
import { withTransaction } from '@gateway/kit';
import type { BusinessDate, CollectionsResponse } from '@gateway/contracts';
import type { Pool } from 'pg';
import { buildCollections, collectionsRange } from '../domain/collections.ts';
import { collectionsByBiller } from '../store/pg-collections-store.ts';
import { tuneForAggregates } from '../store/pg-adoption-store.ts';

export async function getCollections(
  deps: { pool: Pool; now: () => Date },
  query: { from?: BusinessDate | undefined; to?: BusinessDate | undefined },
): Promise<CollectionsResponse> {
  const now = deps.now();
  const range = collectionsRange(query, now);
  return withTransaction(deps.pool, async (client) => {
    await tuneForAggregates(client);
    return buildCollections(range, await collectionsByBiller(client, range), now);
  });
}
