// The sending path's records by group commit (issue 12): messages whose submits the SMSC answers
// together are recorded in one transaction, each with its own sms-sent and (once the receipts are in)
// sms-delivered; a failing item of a batch fails alone; and a dispatcher that stops lets go of the
// messages it claimed ahead and never started. Over real Postgres and real SMPP (the simulator of
// support/notification-harness.ts), with the harness's own dispatcher stopped and one of the test's.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { testLogger, waitFor } from '@gateway/testkit';
import { createGroupCommit } from '../src/flows/group-commit.ts';
import { createSmsDispatcher } from '../src/jobs/sms-dispatch.runner.ts';
import type { SmsDispatcher } from '../src/jobs/sms-dispatch.runner.ts';
import type { OutgoingPart, SubmitOutcome } from '../src/smpp/smpp-pdus.ts';
import { enqueueSms } from '../src/store/pg-message-store.ts';
import { startHarness } from './support/notification-harness.ts';
import type { Harness } from './support/notification-harness.ts';

let h: Harness;
let nextNumber = 600_000;

beforeAll(async () => {
  h = await startHarness({ kafka: false, receiptDelayMs: 20 });
  await h.dispatcher.stop();
});

afterAll(async () => {
  await h?.close();
});

/** `count` urgent receipts, each to a new mobile; returns the dedupe keys' prefix. */
async function queueReceipts(count: number): Promise<string> {
  const prefix = `burst-${nextNumber}`;
  const requests = Array.from({ length: count }, (_, i) => {
    const to = `+963946${String(nextNumber++).padStart(6, '0')}`;
    return {
      dedupeKey: `${prefix}:${i}`,
      recipient: to,
      template: 'payment_receipt' as const,
      locale: 'en' as const,
      accountNo: null,
      sourceEventId: null,
      body: `Payment ${i} received. Thank you.`,
      urgent: true,
      notBefore: new Date(Date.now() - 1_000),
      correlationId: null,
    };
  });
  await enqueueSms(h.db.pool, requests);
  return prefix;
}

/** The harness's SMSC client, with every submit's answer held back until open() (the SMSC has the part meanwhile). */
function gatedSmsc() {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const smsc = {
    submitted: 0,
    isBound: () => h.smsc.isBound(),
    async submit(part: OutgoingPart): Promise<SubmitOutcome> {
      const outcome = await h.smsc.submit(part);
      smsc.submitted += 1;
      await gate;
      return outcome;
    },
    open,
  };
  return smsc;
}

function dispatcherOver(smsc: ReturnType<typeof gatedSmsc>, concurrency: number, clock: () => Date): SmsDispatcher {
  return createSmsDispatcher({
    pool: h.db.pool,
    smsc,
    logger: testLogger('notification'),
    sender: 'SyTelecom',
    quietHours: null,
    concurrency,
    pollMs: 20,
    leaseMs: 30_000,
    maxAttempts: 5,
    stopTimeoutMs: 200,
    clock,
  });
}

async function states(prefix: string) {
  const { rows } = await h.db.pool.query<{ state: string; n: number; submitted_at: number; leased: number }>(
    `SELECT state, count(*)::int AS n, count(DISTINCT submitted_at)::int AS submitted_at, count(lease_until)::int AS leased
       FROM sms_messages WHERE dedupe_key LIKE $1 || ':%' GROUP BY state`,
    [prefix],
  );
  return Object.fromEntries(rows.map((r) => [r.state, { n: r.n, submittedAt: r.submitted_at, leased: r.leased }]));
}

async function eventsOf(prefix: string): Promise<Record<string, number>> {
  const { rows } = await h.db.pool.query<{ type: string; n: number; messages: number }>(
    `SELECT o.payload->>'type' AS type, count(*)::int AS n, count(DISTINCT o.key)::int AS messages
       FROM outbox o JOIN sms_messages m ON m.message_id::text = o.key
      WHERE m.dedupe_key LIKE $1 || ':%' GROUP BY 1`,
    [prefix],
  );
  for (const r of rows) expect(r.messages).toBe(r.n);
  return Object.fromEntries(rows.map((r) => [r.type, r.n]));
}

describe('SMS records by group commit', () => {
  it('submits the SMSC answers together are recorded in one transaction, one sms-sent and one sms-delivered per message', async () => {
    const prefix = await queueReceipts(30);
    const smsc = gatedSmsc();
    // Every clock reading is a millisecond later than the one before, so one record transaction per
    // message (as before the group commit) would leave 30 different submitted_at.
    let tick = Date.now();
    const dispatcher = dispatcherOver(smsc, 30, () => new Date(tick++));
    dispatcher.start();
    try {
      await waitFor(() => smsc.submitted === 30, { timeoutMs: 10_000, message: 'all 30 submitted to the SMSC' });
      // The receipts overtake the records (the SMSC delivers while its answers are held back): they
      // are kept and applied when the records commit.
      await waitFor(async () => ((await h.stats())['receiptsSent'] ?? 0) >= 30, { timeoutMs: 10_000, message: 'receipts sent' });
      smsc.open();
      await waitFor(async () => (await states(prefix))['delivered']?.n === 30, { timeoutMs: 10_000, message: 'all 30 delivered' });
    } finally {
      await dispatcher.stop();
    }
    expect(await states(prefix)).toEqual({ delivered: { n: 30, submittedAt: 1, leased: 0 } });
    expect(await eventsOf(prefix)).toEqual({ 'notification.sms-sent': 30, 'notification.sms-delivered': 30 });
  });

  it('a dispatcher that stops lets go of the messages it claimed ahead and never started', async () => {
    const prefix = await queueReceipts(6);
    const smsc = gatedSmsc();
    const dispatcher = dispatcherOver(smsc, 2, () => new Date());
    dispatcher.start();
    // Two in flight (held at the SMSC's answer) and the next claim of two waiting for a slot.
    await waitFor(() => smsc.submitted === 2, { timeoutMs: 10_000, message: 'two submitted' });
    await waitFor(async () => (await states(prefix))['queued']?.leased === 4, { timeoutMs: 10_000, message: 'four leased' });
    await dispatcher.stop();
    // Only the two whose parts the SMSC has keep their lease (their records were never written).
    expect((await states(prefix))['queued']).toMatchObject({ n: 6, leased: 2 });
    smsc.open();
  });
});

describe('group commit', () => {
  it('writes what comes in together as one batch, and a batch that fails item by item so only the bad one fails', async () => {
    const batches: string[][] = [];
    const write = createGroupCommit<string, string>({
      maxBatch: 10,
      write(items) {
        batches.push(items);
        if (items.includes('bad')) return Promise.reject(new Error('bad item'));
        return Promise.resolve(items.map((item) => item.toUpperCase()));
      },
    });
    const results = await Promise.allSettled(['a', 'bad', 'c'].map(write));
    expect(results).toEqual([
      { status: 'fulfilled', value: 'A' },
      { status: 'rejected', reason: new Error('bad item') },
      { status: 'fulfilled', value: 'C' },
    ]);
    expect(batches).toEqual([['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
  });

  it('fails a whole batch at once when Postgres is down, instead of trying each item again', async () => {
    const batches: string[][] = [];
    const write = createGroupCommit<string, string>({
      maxBatch: 10,
      write(items) {
        batches.push(items);
        return Promise.reject(new Error('Connection terminated unexpectedly'));
      },
    });
    const results = await Promise.allSettled(['a', 'b', 'c'].map(write));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(batches).toEqual([['a', 'b', 'c']]);
  });
});
