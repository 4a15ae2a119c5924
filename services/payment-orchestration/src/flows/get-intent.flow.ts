// Where a payment intent stands. A client sees only its own intents (another's is simply not found: null).
import type { Queryable } from '@gateway/kit';
import type { IntentRecord } from '../domain/intent-record.ts';
import { findClientIntent } from '../store/pg-intent-store.ts';

export function getIntent(db: Queryable, clientId: string, intentId: string): Promise<IntentRecord | null> {
  return findClientIntent(db, clientId, intentId);
}
