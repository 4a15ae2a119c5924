// One due status inquiry the poller claimed (jobs/status-inquiry.poller.ts): ask the channel about a
// debit whose outcome is unknown (or whose call a crash cut short) and record what it says, unless a
// call for it is in flight in this process.
import type { DebitRecord } from '../domain/debit-state.ts';
import type { DebitFlowPorts } from './debit-flows.ts';
import { flightKey, inquire } from './debit-steps.ts';

export async function inquireDueDebit(ports: DebitFlowPorts, target: DebitRecord): Promise<string> {
  const channel = ports.gateway.definition(target.channelId);
  if (channel === undefined) {
    ports.logger.error({ channelId: target.channelId, reference: target.reference }, 'a debit is pending at a channel no longer configured; reconcile it by hand');
    return 'unknown channel';
  }
  const flight = flightKey(target.channelId, target.reference);
  if (ports.flying.has(flight)) return 'in flight';
  ports.flying.add(flight);
  try {
    return await inquire(ports, channel, target, null, true);
  } finally {
    ports.flying.delete(flight);
  }
}
