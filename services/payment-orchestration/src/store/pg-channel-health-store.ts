// The channel-health read model: each channel's breaker state as the bank adapter last reported it.
import type { Pool, PoolClient } from 'pg';

/** The channel-health read model: the latest breaker state per channel, by changedAt. */
export async function applyChannelHealth(client: PoolClient, input: { channelId: string; state: string; changedAt: string }): Promise<void> {
  await client.query(
    `INSERT INTO channel_health (channel_id, state, changed_at) VALUES ($1, $2, $3)
     ON CONFLICT (channel_id) DO UPDATE SET state = EXCLUDED.state, changed_at = EXCLUDED.changed_at
     WHERE channel_health.changed_at <= EXCLUDED.changed_at`,
    [input.channelId, input.state, input.changedAt],
  );
}

/** States by channel id; a channel never reported is absent (and treated as closed: available). */
export async function channelStates(pool: Pool): Promise<Map<string, string>> {
  const { rows } = await pool.query<{ channel_id: string; state: string }>(`SELECT channel_id, state FROM channel_health`);
  return new Map(rows.map((r) => [r.channel_id, r.state]));
}
