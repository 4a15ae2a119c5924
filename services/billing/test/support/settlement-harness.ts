// Settlement without Kafka: events applied as one batch exactly as kit's batch consumer applies a
// partition's batch (the inbox rows in one statement, then billing's handler on the new events, in one
// transaction, the after-commit step once committed), so a test can choose what goes in one batch.
import type { AnyEvent } from '@gateway/contracts';
import { recordInboxEvents, withTransaction } from '@gateway/kit';
import type { Pool } from 'pg';
import { createSettlementHandler, settlementInbox } from '../../src/events/settlement.consumer.ts';
import type { SettlementHandlerDeps } from '../../src/events/settlement.consumer.ts';

export type SettleBatch = (...events: AnyEvent[]) => Promise<void>;

export function settlementBatches(pool: Pool, deps: SettlementHandlerDeps): SettleBatch {
  const handleBatch = createSettlementHandler(deps);
  return async (...events) => {
    const committed: { run?: void | (() => void) } = {};
    await withTransaction(pool, async (client) => {
      const fresh = await recordInboxEvents(client, settlementInbox, events.map((e) => e.eventId));
      const todo = events.filter((e) => fresh.delete(e.eventId.toLowerCase()));
      if (todo.length === 0) return;
      committed.run = await handleBatch(
        client,
        todo.map((event, offset) => ({ event, context: { topic: 'payments', partition: 0, offset: String(offset), key: event.key, headers: {}, attempt: 1 } })),
      );
    });
    if (typeof committed.run === 'function') committed.run();
  };
}
