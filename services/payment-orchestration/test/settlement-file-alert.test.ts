// Issue 15, the missing-settlement-file alert: a channel's day with no settlement file matched by
// SETTLEMENT_FILE_DEADLINE (local time on the next day) raises reconciliation.file-missing through the
// outbox and the metrics, once per channel and day however many replicas look or restart; the day
// shows `pending` with the file overdue. Over real Postgres and Kafka (the intent harness's app and relay).
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { localTimeToInstant, topics } from '@gateway/contracts';
import { ensureTopics } from '@gateway/kit';
import { testKafka, testLogger, watchTopic } from '@gateway/testkit';
import type { TopicWatcher } from '@gateway/testkit';
import { Registry } from 'prom-client';
import { createSettlementFileAlertSweeper } from '../src/jobs/settlement-file-alert.sweeper.ts';
import { startIntentHarness } from './support/intent-harness.ts';
import type { IntentHarness } from './support/intent-harness.ts';

let h: IntentHarness;
let alerts: TopicWatcher;
const day = '2026-11-20';
const tz = 'Asia/Damascus';

beforeAll(async () => {
  h = await startIntentHarness();
  const topic = topics['payments.reconciliations'];
  await ensureTopics(testKafka(), [{ topic: topic.name, numPartitions: topic.partitions }]);
  alerts = await watchTopic(topic.name);
});
afterAll(async () => {
  await alerts?.stop();
  await h?.close();
});

/** One replica's watcher at a fixed instant, with its own metrics registry. */
function replica(at: Date) {
  const registry = new Registry();
  const sweeper = createSettlementFileAlertSweeper({
    pool: h.db.pool,
    logger: testLogger('settlement-file-alert'),
    registry,
    channels: h.config.catalogues.channels,
    deadline: '06:00',
    days: 1,
    intervalMs: 60_000,
    clock: () => at,
  });
  const metric = async (name: string): Promise<Record<string, number>> => {
    const got = await registry.getSingleMetric(name)?.get();
    return Object.fromEntries((got?.values ?? []).map((v) => [String(v.labels['channel']), v.value]));
  };
  return { sweeper, metric };
}

it('before the deadline nothing is due; past it, each channel with no file for the day is alerted once (event and metrics), not again by another replica or pass; a matched day is not', async () => {
  const channels = h.config.catalogues.channels.channels.map((c) => c.channelId);
  expect(channels.length).toBeGreaterThan(1);
  const [matched, ...missing] = channels as [string, ...string[]];
  await h.db.pool.query(
    `INSERT INTO reconciliations (channel_id, business_date, file_id, sha256, fetched_at, status, currency, our_count, our_amount, their_count, their_amount, matched_at)
     VALUES ($1, $2, 'stf_1', 'x', now(), 'matched', 'SYP', 0, 0, 0, 0, now())`,
    [matched, day],
  );

  // At 05:59 the day before is the latest one due.
  const early = await replica(localTimeToInstant('2026-11-21', '05:59', tz)).sweeper.sweep();
  expect(early.raised.map((a) => a.businessDate)).toEqual(channels.map(() => '2026-11-19'));

  const pastDeadline = localTimeToInstant('2026-11-21', '06:01', tz);
  const first = replica(pastDeadline);
  const raised = await first.sweeper.sweep();
  expect(raised.raised.map((a) => a.channelId).sort()).toEqual([...missing].sort());
  expect(raised.raised.every((a) => a.businessDate === day && a.deadline.toISOString() === localTimeToInstant('2026-11-21', '06:00', tz).toISOString())).toBe(true);
  expect(await first.metric('payments_settlement_files_overdue')).toEqual(Object.fromEntries(channels.map((c) => [c, c === matched ? 0 : 1])));
  expect(await first.metric('payments_settlement_file_alerts_total')).toEqual(Object.fromEntries(missing.map((c) => [c, 1])));

  // Another replica (or this one after a restart), and the next pass: the alert stands, nothing is raised again.
  const second = replica(new Date(pastDeadline.getTime() + 60_000));
  expect((await second.sweeper.sweep()).raised).toEqual([]);
  expect((await first.sweeper.sweep()).raised).toEqual([]);
  expect(await second.metric('payments_settlement_files_overdue')).toEqual(Object.fromEntries(channels.map((c) => [c, c === matched ? 0 : 1])));
  expect(await first.metric('payments_settlement_file_alerts_total')).toEqual(Object.fromEntries(missing.map((c) => [c, 1])));

  // One event per channel and day, through the outbox to Kafka.
  const { rows } = await h.db.pool.query<{ topic: string; key: string }>(
    "SELECT topic, payload->>'key' AS key FROM outbox WHERE payload->>'type' = 'reconciliation.file-missing' AND payload->'payload'->>'businessDate' = $1 ORDER BY payload->>'key'",
    [day],
  );
  expect(rows).toEqual([...missing].sort().map((channelId) => ({ topic: 'payments.reconciliations', key: channelId })));
  for (const channelId of missing) {
    const event = await alerts.expectEvent((e) => e.type === 'reconciliation.file-missing' && e.key === channelId && e.payload['businessDate'] === day, 15_000);
    expect(event.payload).toEqual({ channelId, businessDate: day, deadline: '2026-11-21T03:00:00.000Z', detectedAt: pastDeadline.toISOString() });
  }

  // The day's view: pending, the file overdue since its deadline and alerted; the matched one is not.
  const view = await h.send<{ status: string; fileOverdue: unknown }>('GET', `/v1/reconciliations/${missing[0]!}/${day}`, { as: 'operator' });
  expect(view.body).toMatchObject({ status: 'pending', fileOverdue: { deadline: '2026-11-21T03:00:00.000Z', alertedAt: pastDeadline.toISOString() } });
  expect((await h.send<{ status: string; fileOverdue?: unknown }>('GET', `/v1/reconciliations/${matched}/${day}`, { as: 'operator' })).body.fileOverdue).toBeUndefined();
});
