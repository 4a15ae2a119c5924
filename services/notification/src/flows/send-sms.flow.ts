// Sends one claimed message: the checks made at send time, then its parts to the SMSC, then the
// record of what happened. Quiet hours and opt-outs are checked here, not when the message was queued:
// a campaign queued at 21:00 and still draining at 22:00 stops for the night, and a STOP that arrives
// while a campaign is running stops its remaining messages.
//
// The claim read the opt-out, but a STOP or a campaign's cancel can land between the claim and the
// submit (a message may wait behind others to the same handset), so right before its first part goes
// to the SMSC a message that an opt-out or a cancel may stop (a campaign's, a reminder) is looked at
// again in Postgres, in one statement that also suppresses it (suppressIfStopped): one cheap query,
// and none for receipts and notices, which nothing stops. Once a part is on its way the message is
// finished and recorded as submitted even if a cancel suppressed it meanwhile (markMessagesSubmitted
// takes a suppressed message), so the records never deny what the SMSC received.
//
// Nothing is lost and nothing is sent twice: each part carries our reference (<messageId>:<part>), so
// a part resubmitted after a lost connection is answered by the SMSC with the first message id instead
// of a second SMS; the parts the SMSC already accepted are recorded, so a retry resumes after them.
import type { Pool } from 'pg';
import { optOutTemplates } from '../domain/opt-out-keywords.ts';
import { sendableAt } from '../domain/quiet-hours.ts';
import type { QuietHours } from '../domain/quiet-hours.ts';
import { concatReferenceOf, shortMessageOf, splitSms } from '../domain/sms-segments.ts';
import type { OutgoingPart, SubmitOutcome } from '../smpp/smpp-pdus.ts';
import { deferMessage, recordAcceptedParts, suppressIfStopped, suppressMessage } from '../store/pg-message-store.ts';
import type { AcceptedPart, ClaimedMessage } from '../store/pg-message-store.ts';
import { recordFailed, recordSubmitted } from './sms-outcome-steps.ts';
import type { SubmittedSms } from './sms-outcome-steps.ts';

export type SendSmsPorts = {
  pool: Pool;
  /** The SMSC: waits for a bound session, a window slot and the pace; never rejects for SMPP reasons. */
  smsc: { submit(part: OutgoingPart): Promise<SubmitOutcome> };
  /** The sender id the handset shows. */
  sender: string;
  quietHours: QuietHours | null;
  maxAttempts: number;
  now: () => Date;
  /**
   * Records a message whose parts are all with the SMSC (submitted, its sms-sent); by default in a
   * transaction of its own. The dispatcher hands it to a group commit instead and follows the commit
   * itself (jobs/sms-dispatch.runner.ts), so that the messages finishing together share one.
   */
  recordSubmitted?: (sent: SubmittedSms) => Promise<void>;
};

export type SendSmsOutcome = 'submitted' | 'deferred' | 'suppressed' | 'failed' | 'retry';

const optedOutReason = 'the subscriber opted out (STOP)';
// The reason the cancel gives the campaign's queued messages (store/pg-campaign-store.ts cancelCampaign).
const campaignCanceledReason = 'campaign canceled';

/** Backoff for SMSC errors: 1 s, 2 s, 4 s … capped at 5 minutes. */
function retryDelayMs(attempts: number): number {
  return Math.min(300_000, 1_000 * 2 ** Math.max(0, attempts - 1));
}

export async function sendSms(ports: SendSmsPorts, message: ClaimedMessage): Promise<SendSmsOutcome> {
  const { pool, smsc, quietHours } = ports;
  const clock = ports.now;
  const now = clock();
  const optOutApplies = optOutTemplates.has(message.template);
  if (message.optedOut && optOutApplies) {
    await suppressMessage(pool, message.messageId, optedOutReason, now);
    return 'suppressed';
  }
  if (!message.urgent) {
    const at = sendableAt(now, quietHours);
    if (at.getTime() > now.getTime()) {
      await deferMessage(pool, message.messageId, at, null, false);
      return 'deferred';
    }
  }
  const split = splitSms(message.body, concatReferenceOf(message.messageId));
  const parts: AcceptedPart[] = [];
  const fresh: AcceptedPart[] = [];
  let lookAgain = message.campaignId !== null || optOutApplies;
  for (const [index, part] of split.parts.entries()) {
    const seq = index + 1;
    const known = message.accepted.get(seq);
    if (known !== undefined) {
      parts.push({ seq, smscMessageId: known });
      continue;
    }
    if (lookAgain) {
      lookAgain = false;
      const stop = await suppressIfStopped(pool, message.messageId, { campaignCanceled: campaignCanceledReason, optedOut: optOutApplies ? optedOutReason : null }, clock());
      if (stop !== null) return 'suppressed';
    }
    const outcome = await smsc.submit({
      to: message.recipient,
      from: ports.sender,
      esmClass: part.esmClass,
      dataCoding: part.dataCoding,
      shortMessage: shortMessageOf(part),
      reference: `${message.messageId}:${seq}`,
    });
    if (outcome.status === 'accepted') {
      const accepted = { seq, smscMessageId: outcome.smscMessageId };
      parts.push(accepted);
      fresh.push(accepted);
      continue;
    }
    await recordAcceptedParts(pool, message.messageId, fresh, clock());
    if (outcome.status === 'connection_lost' || outcome.status === 'throttled') {
      // Not the message's fault, and the SMSC has not refused it: back in the queue at once (the
      // client holds off by itself while throttled or unbound), without counting an attempt.
      await deferMessage(pool, message.messageId, clock(), outcome.status, false);
      return 'retry';
    }
    const code = `0x${outcome.commandStatus.toString(16).padStart(8, '0')}`;
    if (outcome.permanent) {
      await recordFailed(pool, message, { state: 'rejected', reason: `the SMSC refused part ${seq} (command status ${code})`, errorCode: code }, clock());
      return 'failed';
    }
    if (message.attempts + 1 >= ports.maxAttempts) {
      await recordFailed(pool, message, { state: 'failed', reason: `the SMSC kept failing part ${seq} (command status ${code}) after ${ports.maxAttempts} attempts`, errorCode: code }, clock());
      return 'failed';
    }
    await deferMessage(pool, message.messageId, new Date(clock().getTime() + retryDelayMs(message.attempts + 1)), `SMSC error ${code}`, true);
    return 'retry';
  }
  const sent = { message, parts, encoding: split.encoding, segments: split.parts.length };
  await (ports.recordSubmitted ? ports.recordSubmitted(sent) : recordSubmitted(pool, [sent], clock()));
  return 'submitted';
}
