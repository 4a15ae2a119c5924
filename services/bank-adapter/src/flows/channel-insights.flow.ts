// What the operators' Channels screen and reconciliation queue read from the adapter: each channel's
// recent debits (attempted, succeeded, failed, success rate, p95 latency) and the unknown outcomes
// it is still resolving; a channel's health history; and the adapter's record of an intent's debit
// (what the channel answered, the status inquiries made).
import type { ChannelHistory, ChannelStatsResponse, ChannelWindowStats, IntentDebit } from '@gateway/contracts';
import { money } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';
import type { ChannelGateway } from '../channels/channel-gateway.ts';
import { countResolvingDebits, debitsOfIntents, debitWindowStats, listHealthTransitions, listResolvingDebits } from '../store/pg-channel-stats-store.ts';

/** Every configured channel's stats over the last `windowMinutes` (debits created since then). */
export async function channelStats(
  ports: { db: Queryable; gateway: ChannelGateway; now: () => Date },
  windowMinutes: number,
): Promise<ChannelStatsResponse> {
  const to = ports.now();
  const from = new Date(to.getTime() - windowMinutes * 60_000);
  const [window, resolving] = await Promise.all([debitWindowStats(ports.db, from), countResolvingDebits(ports.db)]);
  const channels = ports.gateway.registry.channels.map((c): ChannelWindowStats => {
    const w = window.find((s) => s.channelId === c.channelId);
    const ended = (w?.succeeded ?? 0) + (w?.failed ?? 0);
    return {
      channelId: c.channelId,
      attempted: w?.attempted ?? 0,
      succeeded: w?.succeeded ?? 0,
      failed: w?.failed ?? 0,
      successRate: ended === 0 ? null : (w?.succeeded ?? 0) / ended,
      p95LatencyMs: w?.p95LatencyMs ?? null,
      resolving: resolving.get(c.channelId) ?? 0,
    };
  });
  return { windowMinutes, from: from.toISOString(), to: to.toISOString(), channels };
}

/** The channel's latest health changes (newest first) and the oldest unknown outcomes being resolved; null for no such channel. */
export async function channelHistory(ports: { db: Queryable; gateway: ChannelGateway }, channelId: string, limit: number): Promise<ChannelHistory | null> {
  if (ports.gateway.definition(channelId) === undefined) return null;
  const [transitions, resolving] = await Promise.all([listHealthTransitions(ports.db, channelId, limit), listResolvingDebits(ports.db, channelId, limit)]);
  return {
    channelId,
    transitions: transitions.map((t) => ({ from: t.from, to: t.to, at: t.at.toISOString(), reason: t.reason, actor: t.actor })),
    resolving: resolving.map((d) => ({
      reference: d.reference,
      intentId: d.intentId,
      amount: money(BigInt(d.amount), d.currency),
      attempts: d.attempts,
      unknownSince: d.unknownSince?.toISOString() ?? null,
      nextInquiryAt: d.nextInquiryAt?.toISOString() ?? null,
      lastError: d.lastError,
    })),
  };
}

/** The adapter's record of each of these intents' debits. */
export async function intentDebits(db: Queryable, intentIds: readonly string[]): Promise<IntentDebit[]> {
  const rows = await debitsOfIntents(db, intentIds);
  return rows.map((d) => ({
    intentId: d.intentId,
    channelId: d.channelId,
    reference: d.reference,
    state: d.state,
    amount: money(BigInt(d.amount), d.currency),
    channelRef: d.channelRef,
    channelTxnId: d.channelTxnId,
    failure: d.failureReason === null && d.failureCode === null && d.failureMessage === null ? null : { reason: d.failureReason, code: d.failureCode, message: d.failureMessage },
    inquiryAttempts: d.attempts,
    sentAt: d.sentAt?.toISOString() ?? null,
    answeredAt: d.answeredAt?.toISOString() ?? null,
    unknownSince: d.unknownSince?.toISOString() ?? null,
    nextInquiryAt: d.nextInquiryAt?.toISOString() ?? null,
    lastError: d.lastError,
    updatedAt: d.updatedAt.toISOString(),
  }));
}
