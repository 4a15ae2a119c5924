// The bank adapter's outbox table, for the Outbox browser test: plant a row as the relay leaves one it
// gave up on (parked, with Kafka's error), and read one row's state. A plain Node script, like
// adapter-probe.ts.
//   node outbox-probe.ts plant <adapterDatabaseUrl> <topic>   → {"eventId": ...}
//   node outbox-probe.ts state <adapterDatabaseUrl> <eventId> → {"parked": bool, "published": bool}
import { randomUUID } from 'node:crypto';
import pg from 'pg';

const [command, databaseUrl, arg] = process.argv.slice(2);
if ((command !== 'plant' && command !== 'state') || !databaseUrl || !arg) throw new Error('usage: outbox-probe.ts plant|state <adapterDatabaseUrl> <topic|eventId>');

const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();
try {
  if (command === 'plant') {
    const eventId = randomUUID();
    // A key of its own, so nothing else parked holds it back once replayed (per-key order).
    await client.query(
      `INSERT INTO outbox (event_id, topic, key, payload, attempts, last_error, parked_at)
       VALUES ($1, $2, $3, $4, 7, 'MESSAGE_TOO_LARGE', now())`,
      [eventId, arg, `pay-${eventId}`, JSON.stringify({ eventId, type: 'browser.parked' })],
    );
    process.stdout.write(`${JSON.stringify({ eventId })}\n`);
  } else {
    const { rows } = await client.query<{ parked: boolean; published: boolean }>(
      'SELECT parked_at IS NOT NULL AS parked, published_at IS NOT NULL AS published FROM outbox WHERE event_id = $1',
      [arg],
    );
    process.stdout.write(`${JSON.stringify(rows[0] ?? null)}\n`);
  }
} finally {
  await client.end();
}
