// The overview's figures from events, with the clock passed in: no Kafka, no timers.
import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { CurrencyCode } from '@gateway/contracts';
import { anEvent } from '@gateway/testkit';
import { OverviewAggregator, percentile } from '../src/domain/overview.ts';

const t0 = Date.parse('2026-12-07T10:00:00.000Z');
const at = (ms: number) => new Date(t0 + ms).toISOString();

function payment(offsetMs: number, over: { channelId?: string; amount?: number; currency?: CurrencyCode; source?: 'channel' | 'intent'; paymentId?: string } = {}) {
  const amount = { amount: over.amount ?? 1_000, currency: over.currency ?? 'SYP' };
  const example = anEvent('payment.completed');
  return anEvent('payment.completed', {
    occurredAt: at(offsetMs),
    payload: {
      paymentId: over.paymentId ?? randomUUID(),
      channelId: over.channelId ?? 'bank-alpha',
      source: over.source ?? 'channel',
      amount,
      fee: { amount: 0, currency: amount.currency },
      allocations: [{ ...example.payload.allocations[0]!, amount }],
    },
  });
}

function settled(offsetMs: number, paymentIds: string[]) {
  return anEvent('bill.settled', { occurredAt: at(offsetMs), payload: { paymentIds } });
}

function intent(type: 'intent.created' | 'intent.succeeded' | 'intent.failed' | 'intent.canceled', offsetMs: number, intentId: string, channelId = 'wallet-one', createdOffsetMs = 0) {
  const ends = { succeededAt: at(offsetMs), failedAt: at(offsetMs), canceledAt: at(offsetMs) };
  return anEvent(type, { occurredAt: at(offsetMs), payload: { intentId, channelId, createdAt: at(createdOffsetMs), ...ends } as never });
}

describe('OverviewAggregator', () => {
  it('counts and sums payments per minute, per channel and currency, over the last 60 minutes', () => {
    const o = new OverviewAggregator();
    o.add(payment(5_000, { amount: 1_500 }));
    o.add(payment(30_000, { amount: 2_500 }));
    o.add(payment(61_000, { channelId: 'wallet-one', amount: 700, currency: 'USD' }));
    o.add(payment(-61 * 60_000, { amount: 9_999 })); // older than the hour at the time of the snapshot
    const snap = o.snapshot(t0 + 90_000);
    expect(snap.paymentsPerMinute).toHaveLength(60);
    expect(snap.paymentsPerMinute.at(-1)).toEqual({
      minute: '2026-12-07T10:01:00.000Z',
      count: 1,
      byChannel: [{ channelId: 'wallet-one', currency: 'USD', count: 1, amount: 700 }],
    });
    expect(snap.paymentsPerMinute.at(-2)).toEqual({
      minute: '2026-12-07T10:00:00.000Z',
      count: 2,
      byChannel: [{ channelId: 'bank-alpha', currency: 'SYP', count: 2, amount: 4_000 }],
    });
    expect(snap.paymentsPerMinute[0]?.minute).toBe('2026-12-07T09:02:00.000Z');
    expect(snap.paymentsPerMinute.reduce((n, m) => n + m.count, 0)).toBe(3);
    expect(snap.lastEventAt).toBe(at(61_000));
  });

  it('measures the settlement lag from the payment to the bill.settled naming it last, in either arrival order', () => {
    const o = new OverviewAggregator();
    const first = randomUUID();
    const second = randomUUID();
    const third = randomUUID();
    o.add(payment(0, { paymentId: first }));
    o.add(payment(1_000, { paymentId: second }));
    o.add(settled(3_000, [first, second])); // tipped by the second: 2 s
    o.add(settled(10_000, [third])); // before its payment arrived
    o.add(payment(6_000, { paymentId: third })); // 4 s
    o.add(settled(20_000, [first])); // 20 s
    const snap = o.snapshot(t0 + 60_000);
    expect(snap.settlementLag).toEqual({ samples: 3, p50Ms: 4_000, p95Ms: 20_000 });
    // Five minutes later the samples have left the window.
    expect(o.snapshot(t0 + 20_000 + 5 * 60_000 + 1).settlementLag).toEqual({ samples: 0, p50Ms: null, p95Ms: null });
  });

  it('keeps each intent at its latest status, and rates each channel by intents succeeded versus failed', () => {
    const o = new OverviewAggregator();
    const a = randomUUID();
    const b = randomUUID();
    const c = randomUUID();
    const d = randomUUID();
    o.add(intent('intent.created', 0, a));
    o.add(intent('intent.succeeded', 2_000, a));
    o.add(intent('intent.created', 0, b));
    o.add(intent('intent.failed', 8_000, b));
    o.add(intent('intent.created', 0, c));
    o.add(intent('intent.canceled', 1_000, c));
    o.add(intent('intent.created', 500, d));
    o.add(intent('intent.created', 0, a)); // a late copy must not undo the outcome
    o.add(payment(0, { channelId: 'wallet-one', source: 'channel' }));
    o.add(payment(0, { channelId: 'wallet-one', source: 'intent' }));
    const snap = o.snapshot(t0 + 60_000);
    expect(snap.intentsByStatus).toEqual({ requires_confirmation: 0, processing: 1, succeeded: 1, failed: 1, canceled: 1, unknown: 0 });
    expect(snap.channels).toEqual([{ channelId: 'wallet-one', succeeded: 1, failed: 1, successRate: 0.5, p95LatencyMs: 8_000, pushed: 1 }]);
    // Past the 15-minute window the rate has no outcomes left; the statuses stay for the hour.
    const later = o.snapshot(t0 + 16 * 60_000);
    expect(later.channels).toEqual([]);
    expect(later.intentsByStatus.succeeded).toBe(1);
    expect(o.snapshot(t0 + 61 * 60_000).intentsByStatus.succeeded).toBe(0);
  });

  it('takes the nearest-rank percentile', () => {
    expect(percentile([], 95)).toBeNull();
    expect(percentile([7], 50)).toBe(7);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile(hundred, 50)).toBe(50);
  });
});
