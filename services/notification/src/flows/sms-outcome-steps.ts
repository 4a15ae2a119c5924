// The steps that record what became of a message and announce it: each state change others must know
// about (sent, delivered, failed) is written to the outbox in the same transaction as the change.
// Used by the send-sms and record-delivery-receipt flows; not a use case of its own.
import { createEvent } from '@gateway/contracts';
import type { EventEnvelope } from '@gateway/contracts';
import { enqueueEvent, enqueueEvents, withTransaction } from '@gateway/kit';
import type { Pool, PoolClient } from 'pg';
import { messageOutcomeOf } from '../domain/message-outcome.ts';
import type { SmsEncoding } from '../domain/sms-encoding.ts';
import { serviceName } from '../service-name.ts';
import {
  applyStoredReceipts,
  insertParts,
  insertReceipts,
  lockMessages,
  lockSmscIds,
  markMessageFailed,
  markMessagesDone,
  markMessagesSubmitted,
  messageIdsOfParts,
  partsOfMessages,
} from '../store/pg-message-store.ts';
import type { AcceptedPart, ClaimedMessage, MessageDone, MessageRef, Receipt } from '../store/pg-message-store.ts';

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

export type SubmittedSms = { message: ClaimedMessage; parts: readonly AcceptedPart[]; encoding: SmsEncoding; segments: number };

// A deadlock between a batch of submits and a batch of receipts is not expected (both take the SMSC
// ids' locks first, in one sorted statement), but a retry is cheap and the batches have no outside effects.
const transactionRetries = 3;

/**
 * Every part of each message is with the SMSC: the messages are `submitted` and a
 * notification.sms-sent goes out for each, in one transaction for the lot. A receipt that overtook
 * this write (it is in delivery_receipts already) is applied here.
 */
export async function recordSubmitted(pool: Pool, sent: readonly SubmittedSms[], now: Date): Promise<void> {
  if (sent.length === 0) return;
  await withTransaction(
    pool,
    async (client) => {
      await lockSmscIds(client, sent.flatMap((s) => s.parts.map((p) => p.smscMessageId)));
      await insertParts(client, sent.flatMap((s) => s.parts.map((p) => ({ messageId: s.message.messageId, ...p }))), now);
      const moved = new Set(await markMessagesSubmitted(client, sent.map((s) => ({ messageId: s.message.messageId, encoding: s.encoding, segments: s.segments })), now));
      const fresh = sent.filter((s) => moved.has(s.message.messageId));
      await enqueueEvents(
        client,
        fresh.map((s) =>
          createEvent('notification.sms-sent', {
            ...eventBase(s.message),
            payload: {
              ...smsShape(s.message),
              encoding: s.encoding,
              segments: s.segments,
              smscMessageIds: [...s.parts].sort((a, b) => a.seq - b.seq).map((p) => p.smscMessageId),
              sentAt: now.toISOString(),
            },
          }),
        ),
      );
      await settleMessages(client, [...moved], now);
    },
    { retries: transactionRetries },
  );
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
 * Delivery receipts, stored before anything else so that one arriving before its part is known is
 * kept for later, and each applied at most once (the SMSC resends receipts it thinks we did not get).
 * One transaction for the lot; returns, per receipt, false for one seen before.
 */
export async function recordReceipts(pool: Pool, receipts: readonly Receipt[], now: Date): Promise<boolean[]> {
  if (receipts.length === 0) return [];
  return withTransaction(
    pool,
    async (client) => {
      await lockSmscIds(client, receipts.map((r) => r.smscMessageId));
      const stored = await insertReceipts(client, receipts, now);
      await settleMessages(client, await messageIdsOfParts(client, [...stored]), now);
      // The same receipt twice in one batch (a resend overtaking the first's answer): the first is the fresh one.
      return receipts.map((r) => stored.delete(r.smscMessageId));
    },
    { retries: transactionRetries },
  );
}

/**
 * Applies the stored receipts of submitted messages' parts and, once they decide a message, moves it
 * to delivered (every part delivered) or failed/expired (any part not), announcing it.
 */
async function settleMessages(client: PoolClient, messageIds: readonly string[], now: Date): Promise<void> {
  const messages = (await lockMessages(client, messageIds)).filter((m) => m.state === 'submitted');
  if (messages.length === 0) return;
  const ids = messages.map((m) => m.messageId);
  await applyStoredReceipts(client, ids);
  const parts = await partsOfMessages(client, ids);
  const done: MessageDone[] = [];
  const events: EventEnvelope[] = [];
  for (const message of messages) {
    const outcome = messageOutcomeOf(parts.get(message.messageId) ?? [], message.segments, now);
    if (outcome.kind === 'undecided') continue;
    if (outcome.kind === 'undelivered') {
      const bad = outcome.part;
      done.push({ messageId: message.messageId, state: outcome.state, at: now, lastError: `part ${bad.smscMessageId} ${bad.state}` });
      events.push(
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
      continue;
    }
    done.push({ messageId: message.messageId, state: 'delivered', at: outcome.at });
    events.push(
      createEvent('notification.sms-delivered', {
        ...eventBase(message),
        payload: { ...smsShape(message), smscMessageId: outcome.lastPart.smscMessageId, deliveredAt: outcome.at.toISOString() },
      }),
    );
  }
  await markMessagesDone(client, done);
  await enqueueEvents(client, events);
}
