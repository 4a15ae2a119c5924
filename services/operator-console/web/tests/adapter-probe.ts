// What the bank adapter itself says, for the browser tests to compare with the page: its operator
// GET /v1/channels (signed as the demo operator client, not through the console) and its audit rows
// for one channel. A plain Node script the tests run, because the signing and Postgres code is the
// project's own TypeScript, which Node runs as it is.
//   node adapter-probe.ts <bankAdapterUrl> <adapterDatabaseUrl> <channelId>
import pg from 'pg';
import { keyOf, send } from '../../../../bench/signed-client.ts';

const [bankAdapterUrl, databaseUrl, channelId] = process.argv.slice(2);
if (!bankAdapterUrl || !databaseUrl || !channelId) throw new Error('usage: adapter-probe.ts <bankAdapterUrl> <adapterDatabaseUrl> <channelId>');

const answer = await send('GET', `${bankAdapterUrl}/v1/channels`, keyOf('ops-console'));
if (answer.status !== 200) throw new Error(`GET /v1/channels answered ${answer.status}: ${JSON.stringify(answer.json)}`);
const channel = (answer.json as { channels: { channelId: string }[] }).channels.find((c) => c.channelId === channelId) ?? null;

const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();
try {
  const { rows } = await client.query<{ actor: string; action: string; detail: unknown }>(
    'SELECT actor, action, detail FROM audit_log WHERE target = $1 ORDER BY id',
    [channelId],
  );
  process.stdout.write(`${JSON.stringify({ channel, audit: rows })}\n`);
} finally {
  await client.end();
}
