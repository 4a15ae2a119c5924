// One due refund the refund poller claimed (jobs/refund-inquiry.poller.ts): ask the channel whether
// the debit is reversed, record its word, and send the reversal again only when the channel says it
// is not (the reversal never landed).
import type { ReversalStatus } from '../domain/connector.ts';
import { afterReversalStatus, inconclusive } from '../domain/refund-state.ts';
import type { RefundRecord } from '../domain/refund-state.ts';
import type { RefundFlowPorts } from './refund-flows.ts';
import { refundFlightKey, reverse, settleRefund } from './refund-steps.ts';

export async function resolveDueRefund(ports: RefundFlowPorts, target: RefundRecord): Promise<string> {
  const channel = ports.gateway.definition(target.channelId);
  if (channel === undefined) {
    ports.logger.error({ channelId: target.channelId, reference: target.reference }, 'a refund is pending at a channel no longer configured; reconcile it by hand');
    return 'unknown channel';
  }
  const key = refundFlightKey(target);
  if (ports.flying.has(key)) return 'in flight';
  ports.flying.add(key);
  try {
    const inquiry = await ports.gateway.call(target.channelId, 'inquiry', (connector, signal) => connector.reversalStatus(target.channelRef, signal));
    let resend = false;
    const outcome = await settleRefund(
      ports,
      target,
      (current, now) => {
        if (!inquiry.ok) return inconclusive(current, inquiry.message, now, channel.statusInquiry, inquiry.rejected);
        const decided = afterReversalStatus(current, inquiry.value satisfies ReversalStatus, now);
        if (decided !== null) return decided;
        // The channel says the debit is not reversed: the reversal never landed; send it again.
        resend = true;
        return { record: current, notice: null };
      },
      null,
    );
    return resend ? await reverse(ports, channel, target, null) : outcome;
  } finally {
    ports.flying.delete(key);
  }
}
