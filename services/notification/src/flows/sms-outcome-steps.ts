// The steps that record what became of a message and announce it: each state change others must know
// about (sent, delivered, failed) is written to the outbox in the same transaction as the change.
// Used by the send-sms and record-delivery-receipt flows; not a use case of its own.
import { createEvent } from '@gateway/contracts';
import { enqueueEvent, withTransaction } from '@gateway/kit';
import type { Pool, PoolClient } from 'pg';
import { messageOutcomeOf } from '../domain/message-outcome.ts';
import type { SmsEncoding } from '../domain/sms-encoding.ts';
import { serviceName } from '../service-name.ts';
import {
  applyStoredReceipts,
  insertReceipt,
  lockMessage,
  lockSmscIds,
  markMessageDelivered,
  markMessageFailed,
  markMessageSubmitted,
  markMessageUndelivered,
  messageIdOfPart,
  partsOf,
  recordAcceptedParts,
} from '../store/pg-message-store.ts';
import type { AcceptedPart, ClaimedMessage, MessageRef, Receipt } from '../store/pg-message-store.ts';

function smsShape(m: MessageRef) {
  return {
    messageId: m.messageId,
    to: m.recipient,
    template: m.template,
    locale: m.locale,
    accountNo: m.accountNo,
    sourceEventId: m.sourceEventId,
    campaignId: m.campaignId,
  };
}

function eventBase(m: MessageRef) {
  return { producer: serviceName, key: m.messageId, correlationId: m.correlationId ?? m.messageId, causationId: m.sourceEventId };
}

/**
 * Every part is with the SMSC: the message is `submitted` and notification.sms-sent goes out. A
 * receipt that overtook this write (it is in delivery_receipts already) is applied here.
 */
export async function recordSubmitted(
  pool: Pool,
  message: ClaimedMessage,
  sent: { parts: readonly AcceptedPart[]; encoding: SmsEncoding; segments: number },
  now: Date,
): Promise<void> {
  await withTransaction(pool, async (client) => {
    await lockSmscIds(client, sent.parts.map((p) => p.smscMessageId));
    await recordAcceptedParts(client, message.messageId, sent.parts, now);
    if (!(await markMessageSubmitted(client, message.messageId, { encoding: sent.encoding, segments: sent.segments }, now))) return;
    const ids = [...sent.parts].sort((a, b) => a.seq - b.seq).map((p) => p.smscMessageId);
    await enqueueEvent(
      client,
      createEvent('notification.sms-sent', {
        ...eventBase(message),
        payload: { ...smsShape(message), encoding: sent.encoding, segments: sent.segments, smscMessageIds: ids, sentAt: now.toISOString() },
      }),
    );
    await settleMessage(client, message.messageId, now);
  });
}

/** The SMSC refused the message for good, or it ran out of attempts. */
export async function recordFailed(
  pool: Pool,
  message: ClaimedMessage,
  failure: { state: 'failed' | 'rejected'; reason: string; errorCode: string | null },
  now: Date,
): Promise<void> {
  await withTransaction(pool, async (client) => {
    if (!(await markMessageFailed(client, message.messageId, failure.reason, now))) return;
    await enqueueEvent(
      client,
      createEvent('notification.sms-failed', {
        ...eventBase(message),
        payload: { ...smsShape(message), state: failure.state, reason: failure.reason, errorCode: failure.errorCode, failedAt: now.toISOString() },
      }),
    );
  });
}

/**
 * A delivery receipt, stored before anything else so that one arriving before its part is known is
 * kept for later, and applied at most once (the SMSC resends receipts it thinks we did not get).
 * Returns false for a receipt seen before.
 */
export async function recordReceipt(pool: Pool, receipt: Receipt, now: Date): Promise<boolean> {
  return withTransaction(pool, async (client) => {
    await lockSmscIds(client, [receipt.smscMessageId]);
    if (!(await insertReceipt(client, receipt, now))) return false;
    const messageId = await messageIdOfPart(client, receipt.smscMessageId);
    if (messageId !== null) await settleMessage(client, messageId, now);
    return true;
  });
}

/**
 * Applies the stored receipts of a submitted message's parts and, once they decide it, moves the
 * message to delivered (every part delivered) or failed/expired (any part not), announcing it.
 */
async function settleMessage(client: PoolClient, messageId: string, now: Date): Promise<void> {
  const message = await lockMessage(client, messageId);
  if (message === null || message.state !== 'submitted') return;
  await applyStoredReceipts(client, messageId);
  const outcome = messageOutcomeOf(await partsOf(client, messageId), message.segments, now);
  if (outcome.kind === 'undecided') return;
  if (outcome.kind === 'undelivered') {
    const bad = outcome.part;
    await markMessageUndelivered(client, messageId, outcome.state, now, `part ${bad.smscMessageId} ${bad.state}`);
    await enqueueEvent(
      client,
      createEvent('notification.sms-failed', {
        ...eventBase(message),
        payload: {
          ...smsShape(message),
          state: outcome.state,
          reason: `the SMSC reported a part ${bad.state === 'expired' ? 'expired (validity period over)' : 'undeliverable'}`,
          errorCode: bad.errorCode,
          failedAt: (bad.doneAt ?? now).toISOString(),
        },
      }),
    );
    return;
  }
  await markMessageDelivered(client, messageId, outcome.at);
  await enqueueEvent(
    client,
    createEvent('notification.sms-delivered', {
      ...eventBase(message),
      payload: { ...smsShape(message), smscMessageId: outcome.lastPart.smscMessageId, deliveredAt: outcome.at.toISOString() },
    }),
  );
}
