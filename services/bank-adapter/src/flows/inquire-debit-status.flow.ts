// channel.status-requested (orchestration asks what became of a debit): answered from the record when
// it is settled; otherwise the channel is asked now, unless a call for it is in flight here (its
// answer will be published). A debit we have no record of was never sent: failed, nothing moved.
import type { EventOf } from '@gateway/contracts';
import { handleOnce } from '@gateway/kit';
import { isSettled } from '../domain/debit-state.ts';
import type { DebitRecord } from '../domain/debit-state.ts';
import { enqueueResult, lockDebit } from '../store/pg-debit-store.ts';
import type { DebitFlowPorts } from './debit-flows.ts';
import { commandsInbox, flightKey, inquire, newRecordFromCommand, republish } from './debit-steps.ts';

export async function inquireDebitStatus(ports: DebitFlowPorts, event: EventOf<'channel.status-requested'>): Promise<string> {
  const p = event.payload;
  const channel = ports.gateway.definition(p.channelId);
  const handled = await handleOnce(
    ports.pool,
    commandsInbox,
    event,
    async (client): Promise<{ done: string } | { ask: DebitRecord }> => {
      const existing = await lockDebit(client, p.channelId, p.reference);
      if (existing === null) {
        // We record every debit before sending it, so none was sent: nothing can have moved.
        const orphan = newRecordFromCommand(p, event.correlationId);
        await enqueueResult(client, orphan, { type: 'channel.debit-failed', reason: 'channel_error', message: 'The adapter never sent this debit.', channelCode: null }, { now: ports.now(), causationId: event.eventId, topic: ports.resultsTopic });
        return { done: 'failed: never sent' };
      }
      if (isSettled(existing)) return { done: await republish(ports, client, existing, event.eventId) };
      return { ask: existing };
    },
    { retries: 3 },
  );
  if (handled.duplicate) return 'duplicate';
  if ('done' in handled.result) return handled.result.done;
  if (channel === undefined) return 'ignored: unknown channel';
  const target = handled.result.ask;
  if (ports.flying.has(flightKey(target.channelId, target.reference))) return 'in flight: its answer will be published';
  return inquire(ports, channel, target, event.eventId, false);
}
