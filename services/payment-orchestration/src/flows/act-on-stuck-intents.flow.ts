// One batch of the turnaround engine (jobs/turnaround.sweeper.ts; the rule is domain/turnaround.ts), in
// one transaction, so an action, its record and what it puts in the outbox commit together or not at all:
//   - inquire: channel.status-requested (debit) or channel.refund-requested again (refund) through the
//     outbox, and the action's row;
//   - escalate: the intent flagged turnaround_exceeded through the state machine (intent-state.ts,
//     decideTurnaroundExceeded) with intent.reconciliation-required and its queue entry, and the row.
// The rows are claimed FOR UPDATE SKIP LOCKED and each stage is recorded once (its key), so replicas and
// a restart in the middle act on an intent once per stage.
import { withTransaction } from '@gateway/kit';
import type { Pool } from 'pg';
import { turnaroundOf } from '../domain/catalogues.ts';
import type { ChannelCatalogue } from '../domain/catalogues.ts';
import { decideTurnaroundExceeded, doubtReasons } from '../domain/intent-state.ts';
import { nextTurnaroundStep } from '../domain/turnaround.ts';
import type { TurnaroundStage, TurnaroundSubject } from '../domain/turnaround.ts';
import { lockIntent } from '../store/pg-intent-store.ts';
import { claimTurnaroundDue, recordTurnaroundAction } from '../store/pg-turnaround-store.ts';
import { applyIntentChange, enqueueRefundRequest, enqueueStatusRequest } from './intent-change.ts';
import type { IntentTopics } from './intent-change.ts';

export type TurnaroundSettings = { defaultMs: number; spacingMs: number; maxInquiries: number };

export type TurnaroundAction = { intentId: string; channelId: string; subject: TurnaroundSubject; stage: TurnaroundStage; kind: 'inquire' | 'escalate'; detail: string };

export async function actOnStuckIntents(
  pool: Pool,
  input: { now: Date; channels: ChannelCatalogue; settings: TurnaroundSettings; batchSize: number; topics?: IntentTopics | undefined },
): Promise<{ claimed: number; acted: TurnaroundAction[] }> {
  const { now, channels, settings } = input;
  return withTransaction(pool, async (client) => {
    const due = await claimTurnaroundDue(client, {
      now,
      turnarounds: channels.channels.map((c) => ({ channelId: c.channelId, turnaroundMs: turnaroundOf(channels, c.channelId, settings.defaultMs) })),
      defaultMs: settings.defaultMs,
      spacingMs: settings.spacingMs,
      doubtReasons,
      limit: input.batchSize,
    });
    const acted: TurnaroundAction[] = [];
    for (const candidate of due) {
      const intent = await lockIntent(client, candidate.intentId);
      if (intent === null) continue;
      const turnaroundMs = turnaroundOf(channels, intent.channelId, settings.defaultMs);
      const step = nextTurnaroundStep(intent, candidate.subject, candidate.progress, { turnaroundMs, spacingMs: settings.spacingMs, maxInquiries: settings.maxInquiries }, now);
      if (step.kind === 'none') continue;
      const what = candidate.subject === 'debit' ? 'the debit' : 'the refund';
      const ctx = { now, correlationId: intent.correlationId, causationId: null, topics: input.topics };
      const record = (action: string, detail: string) =>
        recordTurnaroundAction(client, { intentId: intent.intentId, subject: candidate.subject, stage: step.stage, action, detail, at: now });
      let detail: string;
      if (step.kind === 'inquire') {
        detail = `No outcome of ${what} within the channel's turnaround (${turnaroundMs} ms): asked the bank adapter again (${step.stage} of ${settings.maxInquiries}).`;
        // The record first: under the row lock it is new, and were it not, nothing is sent twice.
        if (candidate.subject === 'debit') {
          if (!(await record('channel.status-requested', detail))) continue;
          await enqueueStatusRequest(client, intent, ctx);
        } else {
          if (!(await record('channel.refund-requested', detail))) continue;
          await enqueueRefundRequest(client, intent, { ...ctx, reason: `Asked again by the turnaround engine: ${detail}` });
        }
      } else {
        const asked = settings.maxInquiries === 0 ? '' : ` or ${settings.maxInquiries} inquiries ${settings.spacingMs} ms apart`;
        detail = `No outcome of ${what} within the channel's turnaround (${turnaroundMs} ms)${asked}.`;
        const decision = decideTurnaroundExceeded(intent, detail);
        // Not expected otherwise (the claim skips what an operator owns), but recorded so it is not retried.
        const action = decision.kind === 'change' ? 'intent.reconciliation-required' : `none: ${decision.kind === 'ignored' ? decision.why : decision.kind}`;
        if (!(await record(action, detail))) continue;
        if (decision.kind === 'change') {
          // A refund's debit did move money (the channel took it); a debit's outcome is what is unknown.
          await applyIntentChange(client, intent, decision, { ...ctx, reason: detail }, candidate.subject === 'refund' ? { moneyMoved: 'yes' } : {});
        }
      }
      acted.push({ intentId: intent.intentId, channelId: intent.channelId, subject: candidate.subject, stage: step.stage, kind: step.kind, detail });
    }
    return { claimed: due.length, acted };
  });
}
