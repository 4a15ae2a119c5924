// Payment orchestration's complaints table, for the Complaints browser test: move a complaint's due
// time two hours into the past, as if its turnaround had run out (the real turnaround is hours; the
// clock that escalates is covered by orchestration's complaint-escalation test). A plain Node script,
// like intents-probe.ts.
//   node complaints-probe.ts overdue <paymentsDatabaseUrl> <complaintId>
import pg from 'pg';

const [command, databaseUrl, complaintId] = process.argv.slice(2);
if (command !== 'overdue' || !databaseUrl || !complaintId) throw new Error('usage: complaints-probe.ts overdue <paymentsDatabaseUrl> <complaintId>');

const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();
try {
  const { rowCount } = await client.query("UPDATE complaints SET due_by = now() - interval '2 hours' WHERE complaint_id = $1", [complaintId]);
  if (rowCount !== 1) throw new Error(`no complaint ${complaintId}`);
} finally {
  await client.end();
}
