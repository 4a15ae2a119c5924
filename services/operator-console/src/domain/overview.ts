// The live overview's figures, from the events the console reads (payments.payments, billing.bills,
// payments.intents). Pure: events in, a snapshot out for a given clock reading; no I/O, no timers, so
// the same events always give the same figures (a console restart replays the last hour into it).
//
// What each figure means (the issue leaves them open; these are what the events can carry):
// - Payments per minute: payment.completed events by the minute of their occurredAt (when the gateway
//   recorded the payment), counted and summed per channel and currency, for the last 60 minutes.
//   Reversals are not subtracted: the figure is the gateway's intake.
// - Settlement lag: from a payment.completed's occurredAt to the occurredAt of the bill.settled that
//   names it last in paymentIds (the payment that tipped the bill to zero), one sample per settled
//   bill; p50 and p95 over the bills settled in the last 5 minutes. The two events travel on different
//   topics, so either may arrive first; both orders are matched.
// - Intents by status: each intent's latest status (intent.* events carry the intent snapshot), for
//   the intents with an event in the last hour.
// - Per channel, over the last 15 minutes: success rate = intents succeeded ÷ (succeeded + failed)
//   whose outcome event occurred in the window (canceled is the payer's choice and unknown is no
//   outcome yet, so neither counts); p95 latency = the intent's createdAt → succeededAt/failedAt for
//   those outcomes; pushed = payments the channel pushed to us (source `channel`), which the gateway
//   accepted (a refused one makes no event), shown beside the rate and not in it.
import type { AnyEvent, IntentStatus } from '@gateway/contracts';
import { intentStatuses } from '@gateway/contracts';

export const minuteMs = 60_000;
export const paymentWindowMinutes = 60;
export const lagWindowMs = 5 * minuteMs;
export const channelWindowMs = 15 * minuteMs;
/** How long a payment's time is kept for matching its bill.settled (a later settlement is not a sample). */
export const settlementMatchMs = 15 * minuteMs;
/**
 * Upper bounds on what is held per key (payments awaiting their settlement, intents), so a flood
 * (1,000 payments/s) cannot grow the console without limit; past them the oldest entries go first.
 */
export const maxTrackedKeys = 200_000;

export type ChannelAmount = { channelId: string; currency: string; count: number; amount: number };
export type MinuteFigures = { minute: string; count: number; byChannel: ChannelAmount[] };
export type Percentiles = { samples: number; p50Ms: number | null; p95Ms: number | null };
export type ChannelFigures = {
  channelId: string;
  succeeded: number;
  failed: number;
  /** succeeded ÷ (succeeded + failed), 0..1; null when no intent reached an outcome in the window. */
  successRate: number | null;
  p95LatencyMs: number | null;
  pushed: number;
};

export type OverviewFigures = {
  /** Oldest first, one entry a minute (zeros included), the current minute last. */
  paymentsPerMinute: MinuteFigures[];
  settlementLag: Percentiles;
  intentsByStatus: Record<IntentStatus, number>;
  channels: ChannelFigures[];
  /** occurredAt of the newest event seen; null before the first. */
  lastEventAt: string | null;
};

type MinuteBucket = Map<string, ChannelAmount>;
type IntentState = { status: IntentStatus; channelId: string; lastEventMs: number };
type Outcome = { atMs: number; channelId: string; succeeded: boolean; latencyMs: number };

/** The nearest-rank percentile of sorted values (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? null;
}

function boundedSet<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
  // Map keeps insertion order: the first key is the oldest.
  while (map.size > maxTrackedKeys) map.delete(map.keys().next().value as K);
}

export class OverviewAggregator {
  private readonly minutes = new Map<number, MinuteBucket>();
  private readonly paymentTimes = new Map<string, number>();
  /** bill.settled seen before its payment: paymentId → settled times. */
  private readonly settledFirst = new Map<string, number[]>();
  private lagSamples: { settledMs: number; lagMs: number }[] = [];
  private readonly intents = new Map<string, IntentState>();
  private outcomes: Outcome[] = [];
  private pushes: { atMs: number; channelId: string }[] = [];
  private lastEventMs: number | null = null;

  /** Folds one event in. Events of other types are ignored. */
  add(event: AnyEvent): void {
    const atMs = Date.parse(event.occurredAt);
    if (Number.isNaN(atMs)) return;
    switch (event.type) {
      case 'payment.completed':
        this.addPayment(event.payload, atMs);
        break;
      case 'bill.settled':
        this.addSettlement(event.payload.paymentIds, atMs);
        break;
      case 'intent.created':
      case 'intent.requires-confirmation':
      case 'intent.succeeded':
      case 'intent.failed':
      case 'intent.canceled':
      case 'intent.unknown':
      case 'intent.reconciliation-required':
      case 'intent.refunded':
        this.addIntent(event, atMs);
        break;
      default:
        return;
    }
    this.lastEventMs = Math.max(this.lastEventMs ?? atMs, atMs);
  }

  private addPayment(payment: { paymentId: string; channelId: string; source: string; amount: { amount: number; currency: string } }, atMs: number): void {
    const minute = Math.floor(atMs / minuteMs) * minuteMs;
    const bucket = this.minutes.get(minute) ?? new Map<string, ChannelAmount>();
    this.minutes.set(minute, bucket);
    const key = `${payment.channelId}\u0000${payment.amount.currency}`;
    const entry = bucket.get(key) ?? { channelId: payment.channelId, currency: payment.amount.currency, count: 0, amount: 0 };
    entry.count += 1;
    entry.amount += payment.amount.amount;
    bucket.set(key, entry);
    if (payment.source === 'channel') this.pushes.push({ atMs, channelId: payment.channelId });

    const settled = this.settledFirst.get(payment.paymentId);
    if (settled !== undefined) {
      this.settledFirst.delete(payment.paymentId);
      for (const settledMs of settled) this.lagSamples.push({ settledMs, lagMs: Math.max(0, settledMs - atMs) });
    } else {
      boundedSet(this.paymentTimes, payment.paymentId, atMs);
    }
  }

  private addSettlement(paymentIds: readonly string[], settledMs: number): void {
    const last = paymentIds.at(-1);
    if (last === undefined) return;
    const paidMs = this.paymentTimes.get(last);
    if (paidMs !== undefined) {
      this.lagSamples.push({ settledMs, lagMs: Math.max(0, settledMs - paidMs) });
    } else {
      boundedSet(this.settledFirst, last, [...(this.settledFirst.get(last) ?? []), settledMs]);
    }
  }

  private addIntent(event: Extract<AnyEvent, { type: `intent.${string}` }>, atMs: number): void {
    const intent = event.payload;
    const known = this.intents.get(intent.intentId);
    // One intent's events share a key, so a partition, so they arrive in order; an older one (a
    // replay overlapping the live feed) must not undo a newer status.
    if (known !== undefined && known.lastEventMs > atMs) return;
    boundedSet(this.intents, intent.intentId, { status: intent.status, channelId: intent.channelId, lastEventMs: atMs });
    if (event.type === 'intent.succeeded' || event.type === 'intent.failed') {
      const endMs = Date.parse(event.type === 'intent.succeeded' ? event.payload.succeededAt : event.payload.failedAt);
      const latencyMs = Math.max(0, endMs - Date.parse(intent.createdAt));
      this.outcomes.push({ atMs, channelId: intent.channelId, succeeded: event.type === 'intent.succeeded', latencyMs: Number.isNaN(latencyMs) ? 0 : latencyMs });
    }
  }

  /** Drops what no figure at `nowMs` can use any more; call it now and then (the snapshot does). */
  prune(nowMs: number): void {
    const firstMinute = Math.floor(nowMs / minuteMs) * minuteMs - (paymentWindowMinutes - 1) * minuteMs;
    for (const minute of this.minutes.keys()) if (minute < firstMinute) this.minutes.delete(minute);
    for (const [id, atMs] of this.paymentTimes) if (atMs < nowMs - settlementMatchMs) this.paymentTimes.delete(id);
    for (const [id, times] of this.settledFirst) if (Math.max(...times) < nowMs - settlementMatchMs) this.settledFirst.delete(id);
    this.lagSamples = this.lagSamples.filter((s) => s.settledMs >= nowMs - lagWindowMs);
    for (const [id, intent] of this.intents) if (intent.lastEventMs < nowMs - paymentWindowMinutes * minuteMs) this.intents.delete(id);
    this.outcomes = this.outcomes.filter((o) => o.atMs >= nowMs - channelWindowMs);
    this.pushes = this.pushes.filter((p) => p.atMs >= nowMs - channelWindowMs);
  }

  snapshot(nowMs: number): OverviewFigures {
    this.prune(nowMs);
    const currentMinute = Math.floor(nowMs / minuteMs) * minuteMs;
    const paymentsPerMinute: MinuteFigures[] = [];
    for (let i = paymentWindowMinutes - 1; i >= 0; i -= 1) {
      const minute = currentMinute - i * minuteMs;
      const byChannel = [...(this.minutes.get(minute)?.values() ?? [])]
        .map((c) => ({ ...c }))
        .sort((a, b) => a.channelId.localeCompare(b.channelId) || a.currency.localeCompare(b.currency));
      paymentsPerMinute.push({ minute: new Date(minute).toISOString(), count: byChannel.reduce((n, c) => n + c.count, 0), byChannel });
    }

    // Future-dated events (a clock ahead of ours) count as now: they are not dropped.
    const lags = this.lagSamples.filter((s) => s.settledMs >= nowMs - lagWindowMs).map((s) => s.lagMs).sort((a, b) => a - b);

    const intentsByStatus = Object.fromEntries(intentStatuses.map((s) => [s, 0])) as Record<IntentStatus, number>;
    for (const intent of this.intents.values()) intentsByStatus[intent.status] += 1;

    const channelIds = new Set([...this.outcomes.map((o) => o.channelId), ...this.pushes.map((p) => p.channelId)]);
    const channels = [...channelIds].sort().map((channelId): ChannelFigures => {
      const mine = this.outcomes.filter((o) => o.channelId === channelId);
      const succeeded = mine.filter((o) => o.succeeded).length;
      const failed = mine.length - succeeded;
      return {
        channelId,
        succeeded,
        failed,
        successRate: mine.length === 0 ? null : succeeded / mine.length,
        p95LatencyMs: percentile(mine.map((o) => o.latencyMs).sort((a, b) => a - b), 95),
        pushed: this.pushes.filter((p) => p.channelId === channelId).length,
      };
    });

    return {
      paymentsPerMinute,
      settlementLag: { samples: lags.length, p50Ms: percentile(lags, 50), p95Ms: percentile(lags, 95) },
      intentsByStatus,
      channels,
      lastEventAt: this.lastEventMs === null ? null : new Date(this.lastEventMs).toISOString(),
    };
  }
}
