// The invariant checker's self-test (issue 13): the last row of every fault run. A run where every
// scenario passed only means something if the checker would have seen a broken promise, so this plants
// one known defect per family of the issue's invariants into the running stack, each the trace a real
// product defect would leave, and asks the checker until each one is named by the invariant meant for
// it (its name, and the planted id in the detail), bounded. A defect it does not name is a violation of
// the row ("checker blind: …"); the planted defects themselves are expected and never listed.
//
// It runs after every scenario and leaves the stack broken: payment-orchestration is killed first (so
// its intent sweeper and outbox relay cannot put right what is planted), rows are written straight into
// the databases through the superuser URLs the checker reads with (the ledger's balance trigger off for
// one), messages go to Kafka as the admin principal, a debit to the bank simulator and two parts to the
// SMSC over SMPP. Nothing is cleaned up: the run stops the stack and deletes its data folder after.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import kafkajs from 'kafkajs';
import pg from 'pg';
import smpp from 'smpp';
import type { Pdu } from 'smpp';
import { dlqTopicOf } from '@gateway/contracts';
import { dlqHeaders } from '@gateway/kit';
import { checkInvariants } from './invariants.ts';
import type { ChaosStack, DatabaseName, Operation, Violation } from './types.ts';

// kafkajs is CommonJS; its named exports are not all visible to ESM.
const { Kafka, logLevel } = kafkajs;

// The notification service's vendor TLV (services/notification/src/smpp/smpp-pdus.ts): the part's own
// reference, which the SMSC deduplicates per bound system_id. The library's TLV table is global and
// registering it again changes nothing.
const gatewayMessageRef = 'gateway_message_ref';
smpp.addTLV(gatewayMessageRef, { id: 0x1400, type: smpp.types.tlv.cstring });

/** A planted defect and what must name it: a violation of `invariant` whose detail contains `id`. */
export interface PlantedDefect {
  defect: string;
  invariant: string;
  id: string;
}

export interface SelfTestResult {
  planted: PlantedDefect[];
  /** "checker blind: …" for each defect not named in time, and each defect that could not be planted. */
  violations: Violation[];
  /** From the first check to the one that named every defect, when one did. */
  namedAfterMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const repoRoot = path.resolve(import.meta.dirname, '..');

async function withDb<T>(stack: ChaosStack, db: DatabaseName, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: stack.databaseUrl(db), connectionTimeoutMillis: 5_000, statement_timeout: 10_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function inTransaction(client: pg.Client, work: () => Promise<void>): Promise<void> {
  await client.query('BEGIN');
  try {
    await work();
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Plants every defect; returns what each should be named by, the synthetic client operations and what could not be planted. */
async function plant(stack: ChaosStack): Promise<{ expected: PlantedDefect[]; operations: Operation[]; problems: Violation[] }> {
  const tag = `planted-${Date.now().toString(36)}`;
  const expected: PlantedDefect[] = [];
  const problems: Violation[] = [];
  const step = async (defects: PlantedDefect[], work: () => Promise<unknown>): Promise<void> => {
    try {
      await work();
      expected.push(...defects);
    } catch (error) {
      for (const d of defects) problems.push({ invariant: 'checker self-test', detail: `could not plant ${d.defect}: ${message(error)}` });
    }
  };

  // Its sweeper would resolve the overdue intent and its relay publish the outbox row before the check.
  await stack.killService('payment-orchestration');

  // ---- payments: one payment allocated twice, onto a bill that owed less --------------------------
  const paymentId = `pay_${tag}_twice`;
  const overBill = `bill-${tag}-a`;
  const payerMsisdn = '+963999000001';
  await step(
    [
      { defect: 'a payment allocated twice (a second allocation row)', invariant: 'payment allocated once', id: paymentId },
      { defect: 'a bill over-allocated (100 allocated, 60 due)', invariant: 'bill not over-allocated', id: overBill },
    ],
    () =>
      withDb(stack, 'payments', (c) =>
        inTransaction(c, async () => {
          await c.query(
            `INSERT INTO payments (payment_id, receipt_no, client_id, channel_id, channel_txn_id, source, biller_id, account_no, amount, fee,
                                   currency, paid_at, business_date, status, payer_msisdn, request_hash)
             VALUES ($1, $2, 'chaos-planted', 'bank-alpha', $3, 'channel', 'telecom', $4, 100, 0, 'SYP', now(), current_date, 'completed', $5, 'planted')`,
            [paymentId, `RC-${tag}`, `txn-${tag}`, `acct-${tag}`, payerMsisdn],
          );
          await c.query(
            `INSERT INTO payable_bills (bill_id, external_bill_id, biller_id, account_no, holder_class, status, period_from, period_to, issue_date,
                                        due_date, amount, currency, allow_partial, min_amount, max_amount, essential, revision)
             VALUES ($1, $1, 'telecom', $2, 'individual', 'unpaid', current_date, current_date, current_date, current_date, 60, 'SYP', true, 1, 60, false, 1)`,
            [overBill, `acct-${tag}`],
          );
          await c.query(
            `INSERT INTO payment_allocations (payment_id, bill_id, external_bill_id, amount, currency)
             VALUES ($1, $2, $2, 100, 'SYP'), ($1, $3, $3, 100, 'SYP')`,
            [paymentId, overBill, `bill-${tag}-b`],
          );
        }),
      ),
  );

  // ---- ledger: a transaction that does not sum to zero (its deferred balance trigger off) ----------
  const ledgerTxn = `txn-${tag}-ledger`;
  await step([{ defect: 'a ledger transaction that does not sum to zero', invariant: 'ledger balanced', id: ledgerTxn }], () =>
    withDb(stack, 'payments', (c) =>
      inTransaction(c, async () => {
        // Replica mode fires no ordinary or constraint trigger: the product's guard is what is bypassed.
        await c.query(`SET LOCAL session_replication_role = replica`);
        await c.query(`INSERT INTO ledger_entries (txn_id, entry_no, account, amount, currency) VALUES ($1, 1, 'planted:debit', 100, 'SYP')`, [ledgerTxn]);
      }),
    ),
  );

  // ---- intents: succeeded without a debit; open past TTL + grace, not in reconciliation --------------
  const paidIntent = `pi_${tag}_paid`;
  const lateIntent = `pi_${tag}_late`;
  await step(
    [
      { defect: 'a succeeded intent without its debit at the channel', invariant: 'succeeded intent debited', id: paidIntent },
      { defect: 'an intent still processing an hour past its expiry, no reconciliation reason', invariant: 'intent resolved in time', id: lateIntent },
    ],
    () =>
      withDb(stack, 'payments', (c) =>
        c.query(
          `INSERT INTO payment_intents (intent_id, client_id, biller_id, account_no, quoted_bill_ids, amount, fee, currency, channel_id, reference,
                                        payer_account_no, status, payment_id, correlation_id, created_at, expires_at, updated_at)
           VALUES ($1, 'chaos-planted', 'telecom', $3, '{}', 100, 0, 'SYP', 'bank-alpha', $1, '2999000000000001', 'succeeded', $4, 'planted',
                   now() - interval '2 hours', now() + interval '1 hour', now()),
                  ($2, 'chaos-planted', 'telecom', $3, '{}', 100, 0, 'SYP', 'bank-alpha', $2, '2999000000000001', 'processing', NULL, 'planted',
                   now() - interval '2 hours', now() - interval '1 hour', now())`,
          [paidIntent, lateIntent, `acct-${tag}`, paymentId],
        ),
      ),
  );

  // ---- channel: a debit nobody owns (a reference no intent has), through the bank's own API ----------
  const debitReference = `debit-${tag}`;
  await step([{ defect: 'a channel debit no intent owns', invariant: 'debit has an intent', id: `bank-alpha/${debitReference}` }], async () => {
    const channels = JSON.parse(readFileSync(path.join(repoRoot, 'simulators/channel-simulator/config/channels.json'), 'utf8')) as {
      channels: { channelId: string; apiKey: string }[];
    };
    const apiKey = channels.channels.find((c) => c.channelId === 'bank-alpha')?.apiKey ?? '';
    const response = await fetch(`${stack.urls.channels['bank-alpha']}/debits`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ reference: debitReference, payer: { accountNo: '2999000000000002' }, amount: { amount: 1, currency: 'SYP' }, description: 'planted' }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json()) as { status?: string };
    if (response.status !== 201 || body.status !== 'succeeded') throw new Error(`the bank answered ${response.status} ${JSON.stringify(body)}`);
  });

  // ---- SMS: two receipts planned for one payment; one part stored twice at the SMSC -------------------
  await step([{ defect: 'a second receipt SMS for one payment', invariant: 'sms once', id: `payment ${paymentId}` }], () =>
    withDb(stack, 'notification', (c) =>
      c.query(
        `INSERT INTO sms_messages (message_id, dedupe_key, recipient, template, locale, body, urgent, state, not_before)
         VALUES ($1, $2, $3, 'payment_receipt', 'en', 'planted', true, 'suppressed', now()),
                ($4, $5, $3, 'payment_receipt', 'en', 'planted', true, 'suppressed', now())`,
        // The dispatcher never claims a suppressed message: nothing goes to the SMSC from these.
        [randomUUID(), `payment_receipt:${paymentId}:${payerMsisdn}`, payerMsisdn, randomUUID(), `payment_receipt:${paymentId}:+963999000002`],
      ),
    ),
  );
  const partReference = `${randomUUID()}:1`;
  await step([{ defect: 'an SMS part submitted twice to the SMSC under one reference', invariant: 'sms once', id: `SMS part ${partReference} ` }], async () => {
    // Two ESMEs (system ids) submitting the same reference: the SMSC deduplicates per system id, so it
    // stores both, the trace of a part that went twice.
    for (const systemId of ['planted-a', 'planted-b']) await submitOverSmpp(stack, systemId, partReference);
  });

  // ---- pipes: an outbox row unpublished, one parked; a dead letter; a group behind ---------------------
  await step([{ defect: 'an outbox row left unpublished', invariant: 'outbox drained', id: 'payment-orchestration: ' }], () =>
    withDb(stack, 'payments', (c) =>
      c.query(`INSERT INTO outbox (event_id, topic, key, payload) VALUES ($1, 'payments.payments', $2, '{}'::jsonb)`, [randomUUID(), `key-${tag}`]),
    ),
  );
  let parkedId = '';
  await step([], async () => {
    parkedId = await withDb(stack, 'billing', async (c) => {
      const { rows } = await c.query<{ id: string }>(
        `INSERT INTO outbox (event_id, topic, key, payload, attempts, last_error, parked_at)
         VALUES ($1, 'billing.bills', $2, '{}'::jsonb, 5, 'planted', now()) RETURNING id::text`,
        [randomUUID(), `key-${tag}`],
      );
      return rows[0]!.id;
    });
    expected.push({ defect: 'an outbox row parked', invariant: 'nothing parked', id: `billing: outbox row ${parkedId} ` });
  });
  if (parkedId === '') problems.push({ invariant: 'checker self-test', detail: 'could not plant an outbox row parked' });

  const lagGroup = `chaos-${tag}-lag`;
  const billId = await withDb(stack, 'billing', async (c) => (await c.query<{ bill_id: string }>('SELECT bill_id FROM bills ORDER BY bill_id LIMIT 1')).rows[0]?.bill_id).catch(
    () => undefined,
  );
  await step(
    [
      { defect: 'a message on a dead-letter topic', invariant: 'nothing dead-lettered', id: tag },
      { defect: 'a consumer group with its committed offset behind the end', invariant: 'no consumer lag', id: `${lagGroup} ` },
      { defect: 'bill.settled published twice for one bill', invariant: 'bill settled once', id: `bill ${billId ?? '(none)'} ` },
    ],
    async () => {
      if (billId === undefined) throw new Error('billing holds no bill');
      await plantOnKafka(stack, tag, lagGroup, billId);
    },
  );

  const at = Date.now();
  const operation = (id: number, outcome: Operation['outcome'], refs: Record<string, string>): Operation => ({
    id,
    kind: 'payment',
    scenario: 'checker self-test (planted defects)',
    scheduledAt: at,
    answeredAt: at,
    method: 'POST',
    path: '/v1/payments',
    outcome,
    refs,
  });
  const phantomPayment = `pay_${tag}_phantom`;
  const operations = [
    operation(2_000_000_001, { kind: 'response', status: 201, body: { paymentId: phantomPayment }, replayed: false }, {
      channelId: 'bank-alpha',
      channelTxnId: `txn-${tag}-phantom`,
      paymentId: phantomPayment,
    }),
    operation(2_000_000_002, { kind: 'response', status: 500, code: 'internal_error', body: { error: 'internal_error' }, replayed: false }, {}),
  ];
  expected.push(
    { defect: 'a 201 for a payment that does not exist', invariant: 'phantom success', id: phantomPayment },
    { defect: 'a 500 answer to a client', invariant: 'client outcome', id: 'op 2000000002 ' },
  );
  return { expected, operations, problems };
}

async function submitOverSmpp(stack: ChaosStack, systemId: string, reference: string): Promise<void> {
  const smsc = stack.smscSmpp;
  if (smsc === undefined) throw new Error('the stack does not say where its SMSC listens for SMPP');
  const session = smpp.connect({ host: smsc.host, port: smsc.port });
  // An error after the answers (the socket torn down below) must not end the run.
  session.on('error', () => undefined);
  const answer = (send: (done: (pdu: Pdu) => void) => void, what: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} answer within 10 s`)), 10_000);
      session.once('error', (error: Error) => reject(error));
      send((pdu) => {
        clearTimeout(timer);
        if (pdu.command_status === 0) resolve();
        else reject(new Error(`${what} answered status ${pdu.command_status}`));
      });
    });
  try {
    // The simulator's default password (the stack sets none); any system id may bind.
    await answer((done) => session.bind_transmitter({ system_id: systemId, password: 'gateway' }, done), 'bind_transmitter');
    await answer(
      (done) =>
        session.submit_sm(
          {
            source_addr: 'Planted',
            source_addr_ton: 5,
            destination_addr: '963999000003',
            dest_addr_ton: 1,
            dest_addr_npi: 1,
            // No receipt: nothing comes back to whoever else is bound.
            registered_delivery: 0,
            short_message: 'planted defect',
            [gatewayMessageRef]: reference,
          },
          done,
        ),
      'submit_sm',
    );
  } finally {
    session.destroy();
  }
}

async function plantOnKafka(stack: ChaosStack, tag: string, lagGroup: string, billId: string): Promise<void> {
  const kafka = new Kafka({
    brokers: stack.kafka.brokers,
    clientId: 'chaos-planted-defects',
    sasl: stack.kafka.sasl,
    ssl: false,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { retries: 3 },
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer();
  const admin = kafka.admin();
  await Promise.all([producer.connect(), admin.connect()]);
  try {
    // A dead letter as kit's consumers write one, on a topic nothing else dead-letters to here.
    await producer.send({
      topic: dlqTopicOf('payments.payments'),
      messages: [{ key: tag, value: '{}', headers: { [dlqHeaders.consumerGroup]: `group-${tag}`, [dlqHeaders.reason]: `planted defect ${tag}`, [dlqHeaders.kind]: 'handler' } }],
    });
    // The same settlement under two event ids (the checker reads type, payload.billId and eventId).
    await producer.send({
      topic: 'billing.bills',
      messages: [1, 2].map(() => ({ key: billId, value: JSON.stringify({ eventId: randomUUID(), type: 'bill.settled', payload: { billId } }) })),
    });
    // A group that committed the start of a partition that has messages: it is behind by all of them.
    const partition = (await admin.fetchTopicOffsets('billing.bills')).find((p) => Number(p.high) > 0);
    if (partition === undefined) throw new Error('billing.bills is empty');
    await admin.setOffsets({ groupId: lagGroup, topic: 'billing.bills', partitions: [{ partition: partition.partition, offset: '0' }] });
  } finally {
    await Promise.all([producer.disconnect().catch(() => undefined), admin.disconnect().catch(() => undefined)]);
  }
}

function named(d: PlantedDefect, violations: readonly Violation[]): boolean {
  return violations.some((v) => v.invariant === d.invariant && v.detail.includes(d.id));
}

/**
 * Plants the defects and checks (every 2 s, for up to `timeoutMs`) until the checker names each one.
 * The checker gets only the two synthetic client operations: the load's real ones are judged by the
 * scenarios, and would only crowd the planted ones out of its per-invariant listing.
 */
export async function runCheckerSelfTest(stack: ChaosStack, options: { intentGraceMs: number; timeoutMs?: number }): Promise<SelfTestResult> {
  const { expected, operations, problems } = await plant(stack);
  const started = Date.now();
  const deadline = started + (options.timeoutMs ?? 30_000);
  let violations: Violation[] = [];
  let failure: string | undefined;
  for (;;) {
    try {
      violations = (await checkInvariants(stack, operations, { intentGraceMs: options.intentGraceMs })).violations;
      failure = undefined;
    } catch (error) {
      failure = message(error);
    }
    const blind = expected.filter((d) => !named(d, violations));
    if (failure === undefined && blind.length === 0) return { planted: expected, violations: problems, namedAfterMs: Date.now() - started };
    if (Date.now() + 2_000 > deadline) {
      const more = (d: PlantedDefect) => violations.find((v) => v.invariant === d.invariant && v.detail.startsWith('… and '))?.detail;
      return {
        planted: expected,
        violations: [
          ...problems,
          ...(failure === undefined ? [] : [{ invariant: 'checker self-test', detail: `the invariant checker failed: ${failure}` }]),
          ...blind.map((d) => ({
            invariant: 'checker self-test',
            detail: `checker blind: ${d.defect} (expected "${d.invariant}" naming ${d.id.trim()}${more(d) ? `; that invariant listed 20, ${more(d)}` : ''})`,
          })),
        ],
      };
    }
    await sleep(2_000);
  }
}
