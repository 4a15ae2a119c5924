// The SMPP client's metrics: whether the session is bound, the submit window in use, submit outcomes,
// reconnects and deliver_sm handling.
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { SubmitOutcome } from './smpp-pdus.ts';

export type SmppMetrics = ReturnType<typeof createSmppMetrics>;

export const outcomeLabel = (outcome: SubmitOutcome): string =>
  outcome.status === 'rejected' ? (outcome.permanent ? 'rejected_permanent' : 'rejected_transient') : outcome.status;

/** One set per registry: the names are fixed. */
export function createSmppMetrics(registry: Registry | undefined) {
  const registers = registry === undefined ? [] : [registry];
  return {
    bound: new Gauge({ name: 'smpp_bound', help: '1 while the SMPP session to the SMSC is bound', registers }),
    submits: new Counter({ name: 'smpp_submits_total', help: 'submit_sm outcomes', labelNames: ['outcome'] as const, registers }),
    windowInUse: new Gauge({ name: 'smpp_window_in_use', help: 'submit_sm sent and not yet answered', registers }),
    reconnects: new Counter({ name: 'smpp_reconnects_total', help: 'Connect/bind attempts after the first', registers }),
    deliverSm: new Counter({
      name: 'smpp_deliver_sm_total',
      help: 'deliver_sm received, by kind (receipt, mobile_originated, malformed) and result (acknowledged, retry_later)',
      labelNames: ['kind', 'result'] as const,
      registers,
    }),
  };
}
