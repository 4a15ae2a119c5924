// Payment orchestration's database, for the Intents browser test: plant an intent in the reconciliation
// queue as the results consumer leaves one the adapter gave up asking about (status unknown, flagged
// status_inquiry_exhausted, its queue entry). Driving a real intent there takes the adapter's finality
// window (minutes); that path is covered by payment-orchestration's operator-intents jest test. A plain
// Node script, like outbox-probe.ts. `plant-refused`: a bank-alpha intent flagged payment_refused with
// the channel's id of its debit on the queue entry and no refund, as intents queued before refunds were
// automatic are (the one kind the operator refund applies to; orchestration's intent-refund-operator
// test drives a real one there).
//   node intents-probe.ts plant|plant-refused <paymentsDatabaseUrl> → {"intentId": ...}
import { randomUUID } from 'node:crypto';
import pg from 'pg';

const [command, databaseUrl] = process.argv.slice(2);
if ((command !== 'plant' && command !== 'plant-refused') || !databaseUrl) throw new Error('usage: intents-probe.ts plant|plant-refused <paymentsDatabaseUrl>');
const refused = command === 'plant-refused';
const [channelId, reason, detail, moneyMoved] = refused
  ? ['bank-alpha', 'payment_refused', 'The payer was debited but the payment was refused: bill_already_paid (browser test)', 'yes']
  : ['wallet-one', 'status_inquiry_exhausted', 'gave up after 8 inquiries (browser test)', 'unknown'];

const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();
try {
  const intentId = `pi_${randomUUID()}`;
  const billId = `bil_${randomUUID()}`;
  await client.query('BEGIN');
  await client.query(
    `INSERT INTO payment_intents (intent_id, client_id, biller_id, account_no, requested_bill_ids, quoted_bill_ids, amount, fee, currency, channel_id,
       reference, payer_msisdn, status, unknown_since, unknown_attempts, reconciliation_reason, reconciliation_detail, reconciliation_since,
       correlation_id, created_at, expires_at, updated_at)
     VALUES ($1, 'portal-demo', 'telecom', '0111234567', ARRAY[$2], ARRAY[$2], 150000, 0, 'SYP', $3,
       $1, '+963944123456', 'unknown', now() - interval '20 minutes', 8, $4, $5, now(),
       $1, now() - interval '30 minutes', now() - interval '15 minutes', now())`,
    [intentId, billId, channelId, reason, detail],
  );
  await client.query('INSERT INTO intent_bills (intent_id, bill_id, held) VALUES ($1, $2, $3)', [intentId, billId, !refused]);
  await client.query(
    `INSERT INTO intent_reconciliation (intent_id, channel_id, reason, detail, status, money_moved, channel_txn_id, amount, currency)
     VALUES ($1, $2, $3, $4, 'unknown', $5, $6, $7, $8)`,
    [intentId, channelId, reason, detail, moneyMoved, refused ? `BA-PW-${randomUUID()}` : null, refused ? 150000 : null, refused ? 'SYP' : null],
  );
  await client.query('COMMIT');
  process.stdout.write(`${JSON.stringify({ intentId })}\n`);
} finally {
  await client.end();
}
