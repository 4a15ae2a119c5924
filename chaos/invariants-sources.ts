// What the invariant checker (invariants.ts) reads from the stack besides Kafka: each service's
// database (superuser, read-only queries), the three channels' GET /transactions and the SMSC's
// GET /parts. Whole tables are read where the checker compares them with something else; where a
// table can answer the question itself (an unbalanced ledger transaction, a bill paid beyond what it
// owes), only the offending rows come back.
import pg from 'pg';
import type { ChaosStack, ChannelId, DatabaseName } from './types.ts';

export interface PaymentRow {
  payment_id: string;
  status: 'completed' | 'reversed';
  channel_id: string;
  channel_txn_id: string;
  source: 'channel' | 'intent';
  intent_id: string | null;
  account_no: string;
  amount: string;
  payer_msisdn: string | null;
  allocated: string | null;
  bills: string[] | null;
  has_ledger: boolean;
}

export interface IntentRow {
  intent_id: string;
  reference: string;
  channel_id: string;
  status: string;
  payment_id: string | null;
  channel_txn_id: string | null;
  overdue: boolean;
  reconciliation_reason: string | null;
  refund_status: string | null;
}

export interface OrchestrationTruth {
  payments: Map<string, PaymentRow>;
  reversals: Map<string, { reversal_id: string; payment_id: string; status: string; has_ledger: boolean }>;
  intents: Map<string, IntentRow>;
  intentsByReference: Map<string, IntentRow>;
  /** Bills whose live allocations (plus waived fee) exceed amount + late fee. */
  overAllocated: { bill_id: string; allocated: string; due: string }[];
  unbalanced: { txn_id: string; currency: string; total: string }[];
}

export interface BillingTruth {
  bills: Map<string, { status: string; account_no: string }>;
  /** payment_id:bill_id:kind of every bill_payments row. */
  applied: Set<string>;
  /** Bills whose paid_amount is above what they owe, or disagrees with their payment history. */
  inconsistent: { bill_id: string; detail: string }[];
  unapplied: { payment_id: string; bill_id: string; kind: string; reason: string }[];
  msisdnOf: Map<string, string>;
  batches: Set<string>;
}

export interface NotificationTruth {
  /** dedupe key → message id, state and parts, for receipts and reversal texts. */
  receipts: Map<string, { message_id: string; state: string; segments: number | null }>;
  campaigns: Set<string>;
  awaitingContact: number;
}

export interface OutboxState {
  unpublished: number;
  parked: { id: string; topic: string; last_error: string | null }[];
}

export interface DebitTransaction {
  channel: ChannelId;
  debitId: string;
  reference: string;
  txnId: string;
  amount: number;
  status: 'succeeded' | 'reversed';
}

export interface SmscPart {
  messageId: string;
  esmeReference?: string;
}

async function withDb<T>(stack: ChaosStack, db: DatabaseName, read: (client: pg.Client) => Promise<T>): Promise<T> {
  // A client a call, not a pool: Postgres is crashed on purpose between calls, and a fresh connection
  // is a few milliseconds next to the queries.
  const client = new pg.Client({ connectionString: stack.databaseUrl(db), connectionTimeoutMillis: 5_000, statement_timeout: 30_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    // Every query of one call sees the same instant.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    return await read(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function outboxOf(client: pg.Client): Promise<OutboxState> {
  const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL AND parked_at IS NULL');
  const parked = await client.query<{ id: string; topic: string; last_error: string | null }>(
    'SELECT id::text, topic, last_error FROM outbox WHERE parked_at IS NOT NULL ORDER BY id LIMIT 20',
  );
  return { unpublished: Number(rows[0]?.n ?? 0), parked: parked.rows };
}

export async function readOrchestration(stack: ChaosStack, intentGraceMs: number): Promise<{ truth: OrchestrationTruth; outbox: OutboxState }> {
  return withDb(stack, 'payments', async (c) => {
    const payments = await c.query<PaymentRow>(`
      SELECT p.payment_id, p.status, p.channel_id, p.channel_txn_id, p.source, p.intent_id, p.account_no, p.amount::text, p.payer_msisdn,
             a.allocated::text, a.bills,
             EXISTS (SELECT 1 FROM ledger_entries l WHERE l.txn_id = p.payment_id) AS has_ledger
      FROM payments p
      LEFT JOIN (SELECT payment_id, sum(amount) AS allocated, array_agg(bill_id ORDER BY bill_id) AS bills
                 FROM payment_allocations GROUP BY payment_id) a USING (payment_id)`);
    const reversals = await c.query<{ reversal_id: string; payment_id: string; status: string; has_ledger: boolean }>(`
      SELECT r.reversal_id, r.payment_id, r.status, EXISTS (SELECT 1 FROM ledger_entries l WHERE l.txn_id = r.reversal_id) AS has_ledger
      FROM reversals r`);
    const intents = await c.query<IntentRow>(
      `SELECT intent_id, reference, channel_id, status, payment_id, channel_txn_id, reconciliation_reason, refund_status,
              now() > expires_at + make_interval(secs => $1::float8 / 1000) AS overdue
       FROM payment_intents`,
      [intentGraceMs],
    );
    const overAllocated = await c.query<{ bill_id: string; allocated: string; due: string }>(`
      SELECT a.bill_id, sum(a.amount + a.waived)::text AS allocated, (b.amount + b.late_fee)::text AS due
      FROM payment_allocations a JOIN payable_bills b USING (bill_id)
      WHERE a.reversed_at IS NULL
      GROUP BY a.bill_id, b.amount, b.late_fee
      HAVING sum(a.amount + a.waived) > b.amount + b.late_fee`);
    const unbalanced = await c.query<{ txn_id: string; currency: string; total: string }>(`
      SELECT txn_id, currency, sum(amount)::text AS total FROM ledger_entries GROUP BY txn_id, currency HAVING sum(amount) <> 0 LIMIT 50`);
    const intentRows = intents.rows;
    return {
      truth: {
        payments: new Map(payments.rows.map((r) => [r.payment_id, r])),
        reversals: new Map(reversals.rows.map((r) => [r.reversal_id, r])),
        intents: new Map(intentRows.map((r) => [r.intent_id, r])),
        intentsByReference: new Map(intentRows.map((r) => [r.reference, r])),
        overAllocated: overAllocated.rows,
        unbalanced: unbalanced.rows,
      },
      outbox: await outboxOf(c),
    };
  });
}

export async function readBilling(stack: ChaosStack): Promise<{ truth: BillingTruth; outbox: OutboxState }> {
  return withDb(stack, 'billing', async (c) => {
    const bills = await c.query<{ bill_id: string; status: string; account_no: string }>('SELECT bill_id, status, account_no FROM bills');
    const applied = await c.query<{ k: string }>(`SELECT payment_id || ':' || bill_id || ':' || kind AS k FROM bill_payments`);
    // paid_amount is kept on the bill and also follows from its payment history: the two must agree,
    // and neither may exceed what the bill owes (amount + late fees still standing).
    const inconsistent = await c.query<{ bill_id: string; detail: string }>(`
      SELECT b.bill_id,
             'paid_amount ' || b.paid_amount || ', history ' || coalesce(h.net, 0) || ', owes ' || (b.amount + b.late_fee) AS detail
      FROM bills b
      LEFT JOIN (SELECT bill_id, sum(CASE kind WHEN 'payment' THEN applied_amount ELSE -applied_amount END) AS net
                 FROM bill_payments GROUP BY bill_id) h USING (bill_id)
      WHERE b.paid_amount <> coalesce(h.net, 0) OR b.paid_amount > b.amount + b.late_fee
      LIMIT 50`);
    const unapplied = await c.query<{ payment_id: string; bill_id: string; kind: string; reason: string }>(
      'SELECT payment_id, bill_id, kind, reason FROM billing_unapplied_payments WHERE resolved_at IS NULL LIMIT 50',
    );
    const accounts = await c.query<{ account_no: string; msisdn: string }>('SELECT account_no, msisdn FROM accounts WHERE msisdn IS NOT NULL');
    const batches = await c.query<{ batch_id: string }>('SELECT batch_id FROM bill_batches');
    return {
      truth: {
        bills: new Map(bills.rows.map((r) => [r.bill_id, r])),
        applied: new Set(applied.rows.map((r) => r.k)),
        inconsistent: inconsistent.rows,
        unapplied: unapplied.rows,
        msisdnOf: new Map(accounts.rows.map((r) => [r.account_no, r.msisdn])),
        batches: new Set(batches.rows.map((r) => r.batch_id)),
      },
      outbox: await outboxOf(c),
    };
  });
}

export async function readNotification(stack: ChaosStack): Promise<{ truth: NotificationTruth; outbox: OutboxState }> {
  return withDb(stack, 'notification', async (c) => {
    const receipts = await c.query<{ dedupe_key: string; message_id: string; state: string; segments: number | null }>(
      `SELECT dedupe_key, message_id::text, state, segments FROM sms_messages WHERE template IN ('payment_receipt', 'payment_reversed')`,
    );
    const campaigns = await c.query<{ campaign_id: string }>('SELECT campaign_id::text FROM campaigns');
    const awaiting = await c.query<{ n: string }>('SELECT count(*) AS n FROM awaiting_contact');
    return {
      truth: {
        receipts: new Map(receipts.rows.map((r) => [r.dedupe_key, r])),
        campaigns: new Set(campaigns.rows.map((r) => r.campaign_id)),
        awaitingContact: Number(awaiting.rows[0]?.n ?? 0),
      },
      outbox: await outboxOf(c),
    };
  });
}

export async function readBankAdapterOutbox(stack: ChaosStack): Promise<OutboxState> {
  return withDb(stack, 'bank_adapter', outboxOf);
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return (await response.json()) as T;
}

export async function readDebits(stack: ChaosStack): Promise<DebitTransaction[]> {
  const channels = Object.entries(stack.urls.channels) as [ChannelId, string][];
  const lists = await Promise.all(
    channels.map(async ([channel, url]) => {
      const { transactions } = await getJson<{ transactions: Omit<DebitTransaction, 'channel'>[] }>(`${url}/transactions`);
      return transactions.map((t) => ({ ...t, channel }));
    }),
  );
  return lists.flat();
}

// The parts read so far, per SMSC: parts never change once stored, so each call fetches only the new
// ones (GET /parts pages in arrival order).
const smscParts = new Map<string, SmscPart[]>();

export async function readSmscParts(stack: ChaosStack): Promise<SmscPart[]> {
  let known = smscParts.get(stack.urls.smsc) ?? [];
  for (;;) {
    const page = await getJson<{ parts: SmscPart[]; total: number }>(`${stack.urls.smsc}/parts?after=${known.length}&limit=10000`);
    // Fewer stored than we read: the simulator restarted (it keeps messages in memory). Start over.
    if (page.total < known.length) {
      known = [];
      continue;
    }
    if (page.parts.length === 0) break;
    known = known.concat(page.parts);
  }
  smscParts.set(stack.urls.smsc, known);
  return known;
}
