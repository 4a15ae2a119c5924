// channel.debit-requested: send the debit to the channel, recorded before it leaves (debit-flows.ts
// says why that order), or fail it at once when it cannot be sent (no such channel, the intent
// expired, the channel forced off or its breaker open): nothing sent, no money moved.
import type { EventOf } from '@gateway/contracts';
import { handleOnce } from '@gateway/kit';
import { insertDebit, lockDebit } from '../store/pg-debit-store.ts';
import type { DebitFlowPorts } from './debit-flows.ts';
import { commandsInbox, failFast, flightKey, newRecord, NotSending, republish, settleCall, takeOverAt } from './debit-steps.ts';

export async function sendDebit(ports: DebitFlowPorts, event: EventOf<'channel.debit-requested'>): Promise<string> {
  const { pool, gateway } = ports;
  const p = event.payload;
  const key = { channelId: p.channelId, reference: p.reference };
  const fresh = newRecord(p, event.correlationId);
  const channel = gateway.definition(p.channelId);
  const now = ports.now();
  if (channel === undefined) return failFast(ports, event, key, fresh, 'channel_unavailable', `The adapter has no channel ${p.channelId}.`);
  if (now.getTime() >= Date.parse(p.expiresAt)) return failFast(ports, event, key, fresh, 'expired', 'The intent expired before the debit could be sent.');
  const state = gateway.state(p.channelId);
  if (state === 'open' || state === 'forced_off') return failFast(ports, event, key, fresh, 'channel_unavailable', `The channel is unavailable (${state.replace('_', ' ')}).`);

  const flight = flightKey(p.channelId, p.reference);
  try {
    const outcome = await gateway.call(
      p.channelId,
      'debit',
      (connector, signal) => connector.debit({ reference: p.reference, payer: p.payer, amount: p.amount, description: p.description }, signal),
      {
        beforeSend: async () => {
          const handled = await handleOnce(pool, commandsInbox, event, async (client): Promise<string | null> => {
            const existing = await lockDebit(client, p.channelId, p.reference);
            // Ours already (another command for the same reference): never a second send.
            if (existing !== null) return republish(ports, client, existing, event.eventId);
            const sentAt = ports.now();
            await insertDebit(client, { ...fresh, sentAt, nextInquiryAt: takeOverAt(channel, sentAt) });
            return null;
          });
          if (handled.duplicate) throw new NotSending('duplicate');
          if (handled.result !== null) throw new NotSending(handled.result);
          ports.flying.add(flight);
        },
      },
    );
    // A call that was refused before beforeSend ran (the lane turned unavailable while waiting)
    // recorded nothing: fail it like any other fast fail.
    if (!outcome.ok && outcome.rejected && !ports.flying.has(flight)) return failFast(ports, event, key, fresh, 'channel_unavailable', outcome.message);
    if (!outcome.ok) ports.logger.warn({ intentId: p.intentId, channelId: p.channelId, effect: outcome.effect, error: outcome.message }, 'debit call got no answer');
    return await settleCall(ports, channel, key, 'sending', outcome, event.eventId);
  } catch (error) {
    if (error instanceof NotSending) return error.outcome;
    throw error;
  } finally {
    ports.flying.delete(flight);
  }
}
