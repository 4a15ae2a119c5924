// deliver_sm from the SMSC (receipts, mobile-originated messages): read, handed to the caller, and
// acknowledged only once the caller has it safely stored.
import smpp from 'smpp';
import type { Pdu, Session } from 'smpp';
import type { Logger } from '@gateway/kit';
import { incomingDeliverSmOf } from './smpp-pdus.ts';
import type { IncomingDeliverSm } from './smpp-pdus.ts';
import type { SmppMetrics } from './smpp-metrics.ts';

export interface DeliverSmDeps {
  logger: Logger;
  metrics: SmppMetrics;
  /** Resolves once the message is safely stored; throwing makes the SMSC redeliver later. */
  onDeliverSm: (message: IncomingDeliverSm) => Promise<void>;
  /** A handler that has not settled after this long is answered ESME_RX_T_APPN. */
  timeoutMs: number;
  /** The handler's promise is kept here while it runs (what stop() waits for). */
  busy: Set<Promise<unknown>>;
}

export function answerDeliverSm(session: Session, pdu: Pdu, deps: DeliverSmDeps): void {
  const { logger, metrics } = deps;
  const respond = (commandStatus: number): void => {
    // A closed session cannot take the answer; the SMSC resends what it never saw acknowledged.
    session.send(pdu.response(commandStatus === smpp.ESME_ROK ? {} : { command_status: commandStatus }));
  };
  let incoming: IncomingDeliverSm | null;
  try {
    incoming = incomingDeliverSmOf(pdu);
  } catch (error) {
    incoming = null;
    logger.warn({ err: error }, 'deliver_sm could not be read');
  }
  if (incoming === null) {
    // Acknowledged anyway: refusing it would make the SMSC resend the same garbage forever and hold up the receipts behind it.
    logger.warn({ esmClass: pdu['esm_class'], receiptedMessageId: pdu['receipted_message_id'] }, 'unparseable delivery receipt acknowledged and dropped');
    metrics.deliverSm.inc({ kind: 'malformed', result: 'acknowledged' });
    respond(smpp.ESME_ROK);
    return;
  }
  const message = incoming;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`onDeliverSm did not settle within ${deps.timeoutMs} ms`)), deps.timeoutMs);
  });
  const handled = (async () => {
    try {
      await Promise.race([deps.onDeliverSm(message), timedOut]);
      metrics.deliverSm.inc({ kind: message.kind, result: 'acknowledged' });
      respond(smpp.ESME_ROK);
    } catch (error) {
      // Temporary application error: the SMSC keeps the message and delivers it again later.
      logger.warn({ err: error, kind: message.kind }, 'deliver_sm handler failed; answering ESME_RX_T_APPN so the SMSC redelivers');
      metrics.deliverSm.inc({ kind: message.kind, result: 'retry_later' });
      respond(smpp.ESME_RX_T_APPN);
    } finally {
      clearTimeout(timer);
    }
  })();
  deps.busy.add(handled);
  void handled.finally(() => deps.busy.delete(handled));
}
