// channel.otp-submitted: forward the customer's OTP to the channel for a debit waiting for it. The
// record moves to `confirming` before the confirm request leaves, as a debit is recorded before it is
// sent (debit-flows.ts). The OTP is never stored or logged.
import type { EventOf } from '@gateway/contracts';
import { handleOnce } from '@gateway/kit';
import type { DebitRecord } from '../domain/debit-state.ts';
import { enqueueResult, lockDebit, saveDebit } from '../store/pg-debit-store.ts';
import type { DebitFlowPorts } from './debit-flows.ts';
import { commandsInbox, failFast, flightKey, newRecordFromCommand, NotSending, republish, settleCall, takeOverAt } from './debit-steps.ts';

export async function confirmDebit(ports: DebitFlowPorts, event: EventOf<'channel.otp-submitted'>): Promise<string> {
  const { pool, gateway } = ports;
  const p = event.payload;
  const key = { channelId: p.channelId, reference: p.reference };
  const channel = gateway.definition(p.channelId);
  const waiting = (r: DebitRecord) => r.state === 'otp_required';
  if (channel === undefined) return failFast(ports, event, key, null, 'channel_unavailable', `The adapter has no channel ${p.channelId}.`, waiting);
  const state = gateway.state(p.channelId);
  // The OTP cannot reach the channel; the wallet's pending debit lapses unconfirmed: nothing moves.
  if (state === 'open' || state === 'forced_off') return failFast(ports, event, key, null, 'channel_unavailable', `The channel is unavailable (${state.replace('_', ' ')}).`, waiting);

  const flight = flightKey(p.channelId, p.reference);
  let channelRef: string | null = null;
  try {
    const outcome = await gateway.call(
      p.channelId,
      'confirm',
      (connector, signal) => connector.confirmOtp(channelRef!, p.otp, signal),
      {
        beforeSend: async () => {
          const handled = await handleOnce(pool, commandsInbox, event, async (client): Promise<string | null> => {
            const existing = await lockDebit(client, p.channelId, p.reference);
            if (existing === null) {
              // Never sent by us (every debit is recorded before it is sent): nothing to confirm, nothing moved.
              const orphan = { ...newRecordFromCommand(p, event.correlationId) };
              await enqueueResult(client, orphan, { type: 'channel.debit-failed', reason: 'channel_error', message: 'No debit to confirm for this reference.', channelCode: null }, { now: ports.now(), causationId: event.eventId, topic: ports.resultsTopic });
              return 'failed: no debit';
            }
            if (existing.state !== 'otp_required' || existing.channelRef === null) return republish(ports, client, existing, event.eventId);
            const now = ports.now();
            channelRef = existing.channelRef;
            await saveDebit(client, { ...existing, state: 'confirming', nextInquiryAt: takeOverAt(channel, now), lastError: null });
            return null;
          });
          if (handled.duplicate) throw new NotSending('duplicate');
          if (handled.result !== null) throw new NotSending(handled.result);
          ports.flying.add(flight);
        },
      },
    );
    if (!outcome.ok && outcome.rejected && !ports.flying.has(flight)) return failFast(ports, event, key, null, 'channel_unavailable', outcome.message, waiting);
    if (!outcome.ok) ports.logger.warn({ intentId: p.intentId, channelId: p.channelId, effect: outcome.effect, error: outcome.message }, 'confirm call got no answer');
    return await settleCall(ports, channel, key, 'confirming', outcome, event.eventId);
  } catch (error) {
    if (error instanceof NotSending) return error.outcome;
    throw error;
  } finally {
    ports.flying.delete(flight);
  }
}
