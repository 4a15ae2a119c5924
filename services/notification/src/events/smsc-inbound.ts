// What the SMSC sends us: delivery receipts and subscribers' replies (mobile-originated messages).
// The SMPP client acknowledges a deliver_sm only after this resolves, and asks the SMSC to resend
// when it throws; so a receipt or a STOP is never lost to a crash or a Postgres outage, and the
// handling of each is idempotent because the SMSC does resend.
import type { Logger } from '@gateway/kit';
import { sharedMetric, withTransaction } from '@gateway/kit';
import type { Pool } from 'pg';
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import { normaliseMsisdn } from '../domain/msisdn.ts';
import { optCommandOf } from '../domain/opt-out-keywords.ts';
import { renderSms } from '../domain/sms-templates.ts';
import type { IncomingDeliverSm } from '../smpp/smsc-client.ts';
import { contactLocaleOf } from '../store/pg-contact-store.ts';
import { enqueueSms, recordReceipt } from '../store/pg-message-store.ts';
import type { ReceiptState } from '../store/pg-message-store.ts';
import { setOptOut } from '../store/pg-opt-out-store.ts';

export type SmscInboundDeps = {
  pool: Pool;
  logger: Logger;
  registry?: Registry;
  clock?: () => Date;
  /** Told when a confirmation SMS was queued. */
  onQueued?: () => void;
};

// Final states only: ENROUTE and ACCEPTED are intermediate, and UNKNOWN says nothing yet.
const finalStates: Partial<Record<string, ReceiptState>> = { delivered: 'delivered', failed: 'failed', rejected: 'failed', expired: 'expired' };

export function createSmscInboundHandler(deps: SmscInboundDeps): (message: IncomingDeliverSm) => Promise<void> {
  const log = deps.logger.child({ component: 'smsc-inbound' });
  const clock = deps.clock ?? (() => new Date());
  const counter = sharedMetric(
    deps.registry,
    'notification_smsc_inbound_total',
    (registers) => new Counter({ name: 'notification_smsc_inbound_total', help: 'Receipts and replies from the SMSC, by outcome.', labelNames: ['kind', 'outcome'], registers }),
  );

  async function receipt(message: Extract<IncomingDeliverSm, { kind: 'receipt' }>): Promise<void> {
    const state = finalStates[message.state];
    if (state === undefined) {
      counter.inc({ kind: 'receipt', outcome: 'intermediate' });
      return;
    }
    const fresh = await recordReceipt(deps.pool, { smscMessageId: message.smscMessageId, state, errorCode: message.errorCode, doneAt: message.doneAt }, clock());
    counter.inc({ kind: 'receipt', outcome: fresh ? state : 'duplicate' });
  }

  async function reply(message: Extract<IncomingDeliverSm, { kind: 'mobile_originated' }>): Promise<void> {
    const command = optCommandOf(message.text);
    const msisdn = normaliseMsisdn(message.from);
    if (command === null || msisdn === null) {
      counter.inc({ kind: 'mobile_originated', outcome: 'ignored' });
      log.info({ from: message.from, known: msisdn !== null }, 'a reply that is not STOP or START: ignored');
      return;
    }
    const optedOut = command === 'opt_out';
    const now = clock();
    const queued = await withTransaction(deps.pool, async (client) => {
      const change = await setOptOut(client, msisdn, optedOut, message.text.trim().slice(0, 50), now);
      if (!change.changed) return 0;
      const locale = await contactLocaleOf(client, msisdn);
      return enqueueSms(client, [
        {
          // One confirmation per change: a resent STOP (the SMSC retrying) is not a second change.
          dedupeKey: `opt_out_confirmation:${change.historyId}:${msisdn}`,
          recipient: msisdn,
          template: 'opt_out_confirmation',
          locale,
          accountNo: null,
          sourceEventId: null,
          body: renderSms('opt_out_confirmation', locale, { optedOut }),
          urgent: true,
          notBefore: now,
          correlationId: null,
        },
      ]);
    });
    counter.inc({ kind: 'mobile_originated', outcome: command });
    log.info({ msisdn, command }, optedOut ? 'subscriber opted out of reminders and campaigns' : 'subscriber opted back in');
    if (queued > 0) deps.onQueued?.();
  }

  return (message) => (message.kind === 'receipt' ? receipt(message) : reply(message));
}
