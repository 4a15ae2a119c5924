// What the SMSC sends us: delivery receipts and subscribers' replies (mobile-originated messages),
// each handed to its flow (flows/record-delivery-receipt.flow.ts, flows/apply-opt-command.flow.ts).
// The SMPP client acknowledges a deliver_sm only after this resolves, and asks the SMSC to resend
// when it throws; so a receipt or a STOP is never lost to a crash or a Postgres outage, and the
// handling of each is idempotent because the SMSC does resend.
import type { Logger } from '@gateway/kit';
import { sharedMetric } from '@gateway/kit';
import type { Pool } from 'pg';
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import { applyOptCommand } from '../flows/apply-opt-command.flow.ts';
import { receiptPorts, recordDeliveryReceipt } from '../flows/record-delivery-receipt.flow.ts';
import type { IncomingDeliverSm } from './smsc-client.ts';

export type SmscInboundDeps = {
  pool: Pool;
  logger: Logger;
  registry?: Registry;
  clock?: () => Date;
  /** Told when a confirmation SMS was queued. */
  onQueued?: () => void;
};

export function createSmscInboundHandler(deps: SmscInboundDeps): (message: IncomingDeliverSm) => Promise<void> {
  const log = deps.logger.child({ component: 'smsc-inbound' });
  const ports = { pool: deps.pool, now: deps.clock ?? (() => new Date()) };
  const receipts = receiptPorts(deps.pool, ports.now);
  const counter = sharedMetric(
    deps.registry,
    'notification_smsc_inbound_total',
    (registers) => new Counter({ name: 'notification_smsc_inbound_total', help: 'Receipts and replies from the SMSC, by outcome.', labelNames: ['kind', 'outcome'], registers }),
  );

  async function receipt(message: Extract<IncomingDeliverSm, { kind: 'receipt' }>): Promise<void> {
    const outcome = await recordDeliveryReceipt(receipts, message);
    counter.inc({ kind: 'receipt', outcome });
  }

  async function reply(message: Extract<IncomingDeliverSm, { kind: 'mobile_originated' }>): Promise<void> {
    const result = await applyOptCommand(ports, message);
    if (result.kind === 'ignored') {
      counter.inc({ kind: 'mobile_originated', outcome: 'ignored' });
      log.info({ from: message.from, known: result.knownNumber }, 'a reply that is not STOP or START: ignored');
      return;
    }
    counter.inc({ kind: 'mobile_originated', outcome: result.command });
    log.info({ msisdn: result.msisdn, command: result.command }, result.optedOut ? 'subscriber opted out of reminders and campaigns' : 'subscriber opted back in');
    if (result.queued > 0) deps.onQueued?.();
  }

  return (message) => (message.kind === 'receipt' ? receipt(message) : reply(message));
}
