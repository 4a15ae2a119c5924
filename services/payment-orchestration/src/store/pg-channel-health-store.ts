// The channel-health read model: each channel's breaker state as the bank adapter last reported it,
// and when it last said so. A state not reported again within CHANNEL_HEALTH_STALE_AFTER (three of
// the adapter's report intervals) is unknown, and unknown is treated like never reported: available,
// try the channel (a failure there fails fast anyway). Without that, an adapter restarted while a
// breaker was open, or a lost event, would keep the channel "open" here for ever.
import type { Queryable } from '@gateway/kit';

export type HealthReport = { channelId: string; state: string; changedAt: string; reportedAt: string };

/** How old a report may be and still count. */
export type HealthFreshness = { now: Date; staleAfterMs: number };

/** Keeps the latest report per channel, by reportedAt (a late, older event changes nothing). */
export async function applyChannelHealth(db: Queryable, input: HealthReport): Promise<void> {
  await db.query(
    `INSERT INTO channel_health (channel_id, state, changed_at, reported_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (channel_id) DO UPDATE SET state = EXCLUDED.state, changed_at = EXCLUDED.changed_at, reported_at = EXCLUDED.reported_at
     WHERE channel_health.reported_at <= EXCLUDED.reported_at`,
    [input.channelId, input.state, input.changedAt, input.reportedAt],
  );
}

const freshSince = (f: HealthFreshness) => new Date(f.now.getTime() - f.staleAfterMs);

/** States by channel id, of the channels reported recently enough; any other channel is unknown (available). */
export async function channelStates(db: Queryable, freshness: HealthFreshness): Promise<Map<string, string>> {
  const { rows } = await db.query<{ channel_id: string; state: string }>(`SELECT channel_id, state FROM channel_health WHERE reported_at > $1`, [freshSince(freshness)]);
  return new Map(rows.map((r) => [r.channel_id, r.state]));
}

/** One channel's state as last reported; null when never reported or not recently enough (unknown: try it). */
export async function channelStateOf(db: Queryable, channelId: string, freshness: HealthFreshness): Promise<string | null> {
  const { rows } = await db.query<{ state: string }>('SELECT state FROM channel_health WHERE channel_id = $1 AND reported_at > $2', [channelId, freshSince(freshness)]);
  return rows[0]?.state ?? null;
}
