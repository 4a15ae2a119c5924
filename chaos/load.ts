// The fault suite's mixed load (issue 13): channel payments (some after an inquiry), portal intents with
// OTP on the bank and both wallets (a few cancelled), reversals of earlier payments, a small bill import
// now and then and one SMS campaign, sent on an open-loop schedule whatever the stack answers, and every
// request recorded with what came back and the identifiers that tie it to the truth (chaos/types.ts).
//
// Nothing is retried blindly. A payment, intent, bill batch or campaign create that got an answer which
// says "safe to retry" (409 idempotency_key_in_use, 429, 503) or no answer at all is sent again, the SAME
// request under the SAME Idempotency-Key, a few times: that is what a real bank does, and how payments
// the client never heard about come to exist after a fault. Every attempt is an operation of its own.
import { randomBytes } from 'node:crypto';
import { signRequest } from '@gateway/kit';
import { benchBill, keyOf } from '../bench/signed-client.ts';
import type { Key } from '../bench/signed-client.ts';
import type { ChaosStack, ChannelId, LoadGenerator, Operation, OperationKind, Outcome } from './types.ts';

const requestTimeoutMs = 10_000;
/** A bill batch of thousands of rows takes seconds on a busy machine (one of 5,000 once took over 10 s). */
const importTimeoutMs = 60_000;
/** How long stop() waits for in-flight requests and intent follow-ups. */
const stopBoundMs = 60_000;
/** An intent is followed (polled, confirmed) at most this long after its create. */
const intentFollowMs = 120_000;
const intentPollMs = 1_500;
/**
 * The pauses before each further attempt of one create under one key: some 30 s in all, about what a
 * killed service takes to come back on this machine (orchestration was ready 28 s after its SIGKILL).
 */
const retryPausesMs = [1_000, 2_000, 4_000, 8_000, 15_000];
/** Open loop, but not unbounded: past this many requests in flight a scheduled action is shed (counted). */
const maxInFlight = 1_000;
const billAmount = { amount: 150_000, currency: 'SYP' } as const;
/** The run's load share of each action; the rest of a tick's draw is a reversal. */
const mix = { payment: 0.6, intent: 0.25 } as const;
/**
 * Requests per action on average, as a fault-free run measured it (a payment 1.3 with its inquiries,
 * an intent 3.3 with its confirm and polls, a reversal 1): ratePerSecond counts requests, the schedule
 * counts actions.
 */
const requestsPerAction = 1.75;
const inquiryShare = 0.3;
const cancelShare = 0.1;
const importEveryMs = 20_000;
const importSize = 20;
const campaignAfterMs = 10_000;
const campaignAccounts = 20;
/** The run's load is ~15 scenarios × ~30 s; bills for 1.5 times that, plus the storm's. */
const plannedLoadSeconds = 15 * 30 * 1.5;
const stormKeys = 100;
const stormWidth = 50;
/** Storm keys sent at once (× stormWidth requests each), so one storm is 500 requests in flight, not 5,000. */
const stormWave = 10;

const channels: ChannelId[] = ['bank-alpha', 'wallet-one', 'wallet-two'];
const terminal = new Set(['succeeded', 'failed', 'canceled']);
const retryable = (o: Outcome): boolean =>
  o.kind === 'connection_error' || o.status === 429 || o.status === 503 || (o.status === 409 && o.code === 'idempotency_key_in_use');

type Bill = { billId: string; accountNo: string; externalBillId: string };
type Paid = { paymentId: string; channelId: ChannelId; channelTxnId: string };

/** mulberry32: a small seeded PRNG, so a run's schedule and mix repeat from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Imports the run's bills and waits until orchestration can be paid for them; the generator then sends
 * about `ratePerSecond` requests a second while started (an open-loop schedule of actions drawn by a
 * PRNG seeded with `seed`).
 */
export async function prepareLoad(stack: ChaosStack, options: { ratePerSecond: number; seed: number }): Promise<LoadGenerator> {
  const { ratePerSecond, seed } = options;
  if (!(ratePerSecond > 0 && ratePerSecond <= 200)) throw new Error('ratePerSecond must be in (0, 200]');
  const actionsPerSecond = ratePerSecond / requestsPerAction;
  const random = prng(seed);
  // Names unique to this process, so a data folder kept from an earlier run never meets the same
  // batch, bill, channelTxnId or payer twice (the seed fixes the schedule, not the names).
  const run = randomBytes(4).toString('hex');
  const keys = {
    biller: keyOf('telecom-billing'),
    portal: keyOf('citizen-portal'),
    operator: keyOf('ops-console'),
    channel: Object.fromEntries(channels.map((c) => [c, keyOf(c)])) as Record<ChannelId, Key>,
  };
  const urls = stack.urls;

  const ops: Operation[] = [];
  let scenario = 'prepare';
  let nextOpId = 1;
  let seq = 0;
  const inFlight = new Set<Promise<unknown>>();
  let shed = 0;
  let stopped = true;
  /** Set when stop()'s bound has passed: follow-ups and retries end. */
  let abandoned = false;

  /** One request, signed, bounded by the timeout, recorded whatever happens. */
  async function call(
    kind: OperationKind,
    method: 'GET' | 'POST',
    base: string,
    path: string,
    key: Key,
    init: { body?: unknown; idempotencyKey?: string; recordBody?: unknown; refs: Record<string, string>; scheduledAt?: number; timeoutMs?: number },
  ): Promise<Operation> {
    const url = `${base}${path}`;
    const text = init.body === undefined ? undefined : JSON.stringify(init.body);
    const headers: Record<string, string> = {};
    if (text !== undefined) headers['content-type'] = 'application/json';
    if (init.idempotencyKey !== undefined) headers['idempotency-key'] = init.idempotencyKey;
    const scheduledAt = init.scheduledAt ?? Date.now();
    const timeoutMs = init.timeoutMs ?? requestTimeoutMs;
    let outcome: Outcome;
    try {
      Object.assign(headers, await signRequest({ method, url, body: text, keyId: key.keyId, secret: key.secret, headers }));
      const response = await fetch(url, { method, headers, body: text, signal: AbortSignal.timeout(timeoutMs) });
      const raw = await response.text();
      let body: unknown = raw;
      try {
        body = raw === '' ? null : JSON.parse(raw);
      } catch {
        // Not JSON (a proxy's page, a cut answer): kept as text.
      }
      const code = (body as { error?: { code?: unknown } } | null)?.error?.code;
      outcome = {
        kind: 'response',
        status: response.status,
        ...(typeof code === 'string' ? { code } : {}),
        body,
        replayed: response.headers.get('idempotent-replayed') === 'true',
      };
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      outcome = { kind: 'connection_error', error: name === 'TimeoutError' ? `timeout after ${timeoutMs} ms` : error instanceof Error ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}` : String(error) };
    }
    const op: Operation = {
      id: nextOpId++,
      kind,
      scenario,
      scheduledAt,
      answeredAt: Date.now(),
      method,
      path,
      ...(init.idempotencyKey !== undefined ? { idempotencyKey: init.idempotencyKey } : {}),
      ...(init.body !== undefined ? { body: init.recordBody ?? init.body } : {}),
      outcome,
      refs: { ...init.refs, ...answerRefs(outcome) },
    };
    ops.push(op);
    return op;
  }

  /** A create sent again under the same key while its answer says that is safe, a few times. */
  async function create(
    kind: OperationKind,
    base: string,
    path: string,
    key: Key,
    body: unknown,
    refs: Record<string, string>,
    scheduledAt: number,
    recordBody?: unknown,
  ): Promise<Operation> {
    const idempotencyKey = `chaos-${run}-${kind}-${++seq}`;
    for (let attempt = 1; ; attempt++) {
      const op = await call(kind, 'POST', base, path, key, {
        body,
        idempotencyKey,
        recordBody,
        refs: { ...refs, attempt: String(attempt) },
        scheduledAt: attempt === 1 ? scheduledAt : Date.now(),
        ...(kind === 'bill_import' ? { timeoutMs: importTimeoutMs } : {}),
      });
      const pause = retryPausesMs[attempt - 1];
      if (!retryable(op.outcome) || pause === undefined || abandoned) return op;
      // A 429 or 503 says when (Retry-After, 5 s for a 503); the pause is never shorter than that.
      await sleep(op.outcome.kind === 'response' && op.outcome.status !== 409 ? Math.max(pause, 5_000) : pause);
    }
  }

  // ---- Bills: imported up front for the whole run, used once each (one bill per payment or intent).

  const pool: Bill[] = [];
  let nextAccount = 0;
  // A block of Damascus landlines (011 + 7 digits) of this run.
  const totalPlanned = Math.ceil(actionsPerSecond * (mix.payment + mix.intent) * plannedLoadSeconds) + stormKeys + 200;
  const accountBase = 1_000_000 + (randomBytes(4).readUInt32BE() % (8_000_000 - totalPlanned * 2));
  const accountOf = (i: number): string => `011${base7(accountBase + i)}`;

  async function importBills(count: number, scheduledAt: number): Promise<Bill[]> {
    const first = nextAccount;
    nextAccount += count;
    const batchId = `chaos-${run}-${first}`;
    const rows = Array.from({ length: count }, (_, k) => benchBill(`chaos-${run}-${first + k}`, accountOf(first + k), first + k, { dueDate: '2099-12-31', who: 'Chaos', numberPrefix: '+96395' }));
    const op = await create(
      'bill_import',
      urls.billing,
      '/v1/bill-batches',
      keys.biller,
      { batchId, bills: rows },
      { batchId, billCount: String(count), firstAccountNo: accountOf(first), lastAccountNo: accountOf(first + count - 1) },
      scheduledAt,
      // The rows themselves are not kept (thousands of them): they follow from the refs and the answer.
      { batchId, billCount: count, firstExternalBillId: rows[0]!.externalBillId, lastExternalBillId: rows.at(-1)!.externalBillId },
    );
    if (op.outcome.kind !== 'response' || op.outcome.status !== 202) return [];
    const accepted = (op.outcome.body as { accepted?: { index: number; billId: string }[] }).accepted ?? [];
    return accepted.map((a) => ({ billId: a.billId, accountNo: accountOf(first + a.index), externalBillId: rows[a.index]!.externalBillId }));
  }

  /** Until orchestration's read model answers each account's bill (bounded). */
  async function waitPayable(bills: Bill[], boundMs: number): Promise<Bill[]> {
    const until = Date.now() + boundMs;
    const clients = [...channels.map((c) => keys.channel[c]), keys.portal];
    let pending = bills;
    const ready: Bill[] = [];
    while (pending.length > 0 && Date.now() < until) {
      const still: Bill[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async (_, w) => {
          while (next < pending.length) {
            const bill = pending[next++]!;
            const seen = await inquire(bill.accountNo, clients[w % clients.length]!).catch(() => undefined);
            if (seen?.some((b) => b.billId === bill.billId)) ready.push(bill);
            else still.push(bill);
          }
        }),
      );
      pending = still;
      if (pending.length > 0) await sleep(1_000);
    }
    if (pending.length > 0) throw new Error(`${pending.length} of ${bills.length} imported bills not payable at orchestration within ${boundMs / 1000} s`);
    return ready;
  }

  /** A preparation inquiry (not recorded: it only waits for the read model). */
  async function inquire(accountNo: string, key: Key): Promise<{ billId: string }[] | undefined> {
    const url = `${urls.orchestration}/v1/bills?billerId=telecom&accountNo=${accountNo}`;
    const headers: Record<string, string> = { ...(await signRequest({ method: 'GET', url, keyId: key.keyId, secret: key.secret, headers: {} })) };
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(requestTimeoutMs) });
    if (response.status === 429) await sleep(1_000);
    if (response.status !== 200) return undefined;
    return ((await response.json()) as { bills: { billId: string }[] }).bills;
  }

  const started = Date.now();
  for (let i = 0; i < totalPlanned; i += 5_000) {
    const count = Math.min(5_000, totalPlanned - i);
    const bills = await importBills(count, Date.now());
    if (bills.length !== count) throw new Error(`bill import of ${count} bills accepted ${bills.length}: ${JSON.stringify(ops.at(-1)?.outcome).slice(0, 500)}`);
    pool.push(...bills);
  }
  pool.splice(0, pool.length, ...(await waitPayable(pool, 300_000)));
  const stormBills = pool.splice(0, stormKeys);
  const campaignAccountNos = pool.slice(0, campaignAccounts).map((b) => b.accountNo);
  console.log(`load: ${pool.length + stormBills.length} bills imported and payable in ${((Date.now() - started) / 1000).toFixed(1)} s (run ${run}, seed ${seed}, ~${ratePerSecond} requests/s as ${actionsPerSecond.toFixed(1)} actions/s)`);

  // ---- The actions.

  const paid: Paid[] = [];
  let campaignSent = false;

  function track(p: Promise<unknown>): void {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }

  async function payment(scheduledAt: number): Promise<void> {
    const bill = pool.shift();
    if (bill === undefined) return void shed++;
    const channelId = channels[Math.floor(random() * channels.length)]!;
    const key = keys.channel[channelId];
    const refs = { channelId, accountNo: bill.accountNo, billId: bill.billId, externalBillId: bill.externalBillId };
    let inquiryRef: string | undefined;
    if (random() < inquiryShare) {
      const op = await call('bill_inquiry', 'GET', urls.orchestration, `/v1/bills?billerId=telecom&accountNo=${bill.accountNo}`, key, { refs, scheduledAt });
      if (op.outcome.kind === 'response' && op.outcome.status === 200) {
        inquiryRef = (op.outcome.body as { inquiryRef?: string }).inquiryRef;
      }
    }
    const channelTxnId = `chaos-${run}-${channelId}-${++seq}`;
    const body = {
      channelTxnId,
      billerId: 'telecom',
      accountNo: bill.accountNo,
      billIds: [bill.billId],
      amount: billAmount,
      paidAt: new Date(scheduledAt).toISOString(),
      ...(inquiryRef !== undefined ? { inquiryRef } : {}),
    };
    const op = await create('payment', urls.orchestration, '/v1/payments', key, body, { ...refs, channelTxnId }, inquiryRef ? Date.now() : scheduledAt);
    if (op.outcome.kind === 'response' && op.outcome.status === 201 && op.refs['paymentId']) {
      paid.push({ paymentId: op.refs['paymentId'], channelId, channelTxnId });
    }
  }

  async function reversal(scheduledAt: number): Promise<void> {
    if (paid.length === 0) return payment(scheduledAt);
    const [target] = paid.splice(Math.floor(random() * paid.length), 1);
    const { paymentId, channelId, channelTxnId } = target!;
    await call('reversal', 'POST', urls.orchestration, `/v1/payments/${paymentId}/reversals`, keys.channel[channelId], {
      body: { reason: 'chaos load: the customer disputed the payment' },
      idempotencyKey: `chaos-${run}-reversal-${++seq}`,
      refs: { paymentId, channelId, channelTxnId },
      scheduledAt,
    });
  }

  async function intent(scheduledAt: number): Promise<void> {
    const bill = pool.shift();
    if (bill === undefined) return void shed++;
    const channelId = channels[Math.floor(random() * channels.length)]!;
    const cancel = random() < cancelShare;
    const n = ++seq;
    // A payer of its own per intent: the simulator's demo balance covers some 60 bills, not a run's.
    const payer: { accountNo?: string; msisdn?: string } =
      channelId === 'bank-alpha'
        ? { accountNo: `2${base7(accountBase)}${String(n % 100_000_000).padStart(8, '0')}` }
        : { msisdn: `+9639${channelId === 'wallet-one' ? '3' : '4'}${base7(accountBase + n)}` };
    const body = { billerId: 'telecom', accountNo: bill.accountNo, billIds: [bill.billId], amount: billAmount, channelId, payer };
    const refs = { channelId, accountNo: bill.accountNo, billId: bill.billId, externalBillId: bill.externalBillId, payer: payer.accountNo ?? payer.msisdn ?? '' };
    const createdAt = Date.now();
    const op = await create('intent_create', urls.orchestration, '/v1/payment-intents', keys.portal, body, refs, scheduledAt);
    const intentId = op.refs['intentId'];
    if (intentId === undefined || op.outcome.kind !== 'response' || op.outcome.status >= 300) return;
    const withId = { ...refs, intentId };
    let status = op.refs['status'] ?? '';
    let confirms = 0;
    let cancels = 0;
    while (!terminal.has(status) && !abandoned && Date.now() - createdAt < intentFollowMs) {
      let next: Operation;
      if (status === 'requires_confirmation' && cancel && cancels < 3) {
        cancels++;
        next = await call('intent_cancel', 'POST', urls.orchestration, `/v1/payment-intents/${intentId}/cancel`, keys.portal, {
          body: { reason: 'chaos load: the citizen changed their mind' },
          idempotencyKey: `chaos-${run}-cancel-${++seq}`,
          refs: withId,
        });
      } else if (status === 'requires_confirmation' && !cancel && confirms < 3) {
        confirms++;
        // A new key per OTP attempt (docs/api.md): a retry under the same key would replay the first answer.
        next = await call('intent_confirm', 'POST', urls.orchestration, `/v1/payment-intents/${intentId}/confirm`, keys.portal, {
          body: { otp: '123456' },
          idempotencyKey: `chaos-${run}-confirm-${++seq}`,
          refs: withId,
        });
      } else {
        await sleep(intentPollMs);
        if (abandoned) break;
        next = await call('intent_status', 'GET', urls.orchestration, `/v1/payment-intents/${intentId}`, keys.portal, { refs: withId });
      }
      if (next.outcome.kind === 'response' && next.outcome.status < 300 && next.refs['status']) status = next.refs['status'];
      else if (next.kind !== 'intent_status') await sleep(intentPollMs);
    }
  }

  async function billImport(scheduledAt: number): Promise<void> {
    const bills = await importBills(importSize, scheduledAt);
    // Into the pool once the read model has had time to see them; the pool is used front first, so
    // these are paid long after that.
    if (bills.length > 0) setTimeout(() => pool.push(...bills), 15_000).unref();
  }

  async function campaign(scheduledAt: number): Promise<void> {
    const name = `chaos-${run}`;
    await create(
      'campaign',
      urls.notification,
      '/v1/campaigns',
      keys.operator,
      { name, text: { ar: 'رسالة تجريبية من اختبار الأعطال', en: 'A test message of the fault suite' }, segment: { accountNos: campaignAccountNos } },
      { campaignName: name, recipients: String(campaignAccountNos.length) },
      scheduledAt,
    );
  }

  // ---- The open-loop schedule: action n is due at start + n / rate, sent then whatever is in flight.

  let timers: NodeJS.Timeout[] = [];

  function fire(scheduledAt: number, action: (t: number) => Promise<void>): void {
    if (inFlight.size >= maxInFlight) return void shed++;
    track(action(scheduledAt).catch((error: unknown) => console.error(`load: ${String(error)}`)));
  }

  function start(): void {
    if (!stopped) return;
    stopped = false;
    abandoned = false;
    const t0 = Date.now();
    const interval = 1000 / actionsPerSecond;
    let n = 0;
    timers.push(
      setInterval(() => {
        const now = Date.now();
        while (!stopped && t0 + n * interval <= now) {
          const scheduledAt = Math.round(t0 + n++ * interval);
          const r = random();
          fire(scheduledAt, r < mix.payment ? payment : r < mix.payment + mix.intent ? intent : reversal);
        }
      }, 50),
      setInterval(() => fire(Date.now(), billImport), importEveryMs),
    );
    if (!campaignSent) {
      campaignSent = true;
      timers.push(setTimeout(() => fire(Date.now(), campaign), campaignAfterMs));
    }
  }

  async function stop(): Promise<void> {
    stopped = true;
    for (const t of timers) clearInterval(t);
    timers = [];
    const bound = sleep(stopBoundMs).then(() => 'bound');
    const settled = await Promise.race([Promise.allSettled([...inFlight]).then(() => 'done'), bound]);
    if (settled === 'bound') {
      // Intents still followed stop polling; their requests in flight end within the request timeout.
      abandoned = true;
      await Promise.race([Promise.allSettled([...inFlight]), sleep(requestTimeoutMs + 1_000)]);
      console.log(`load: stop bound of ${stopBoundMs / 1000} s reached with ${inFlight.size} actions still in flight (abandoned)`);
    }
    if (shed > 0) console.log(`load: ${shed} scheduled actions shed so far (no bill left or ${maxInFlight} in flight)`);
  }

  // ---- The duplicate storm.

  async function duplicateStorm(): Promise<void> {
    const bills = stormBills.splice(0, stormKeys);
    const plan = bills.map((bill, k) => {
      const channelId = channels[k % channels.length]!;
      const channelTxnId = `chaos-${run}-storm-${k}`;
      const body = { channelTxnId, billerId: 'telecom', accountNo: bill.accountNo, billIds: [bill.billId], amount: billAmount, paidAt: new Date().toISOString() };
      return { bill, channelId, channelTxnId, body, refs: { channelId, channelTxnId, accountNo: bill.accountNo, billId: bill.billId, externalBillId: bill.externalBillId, stormKey: String(k) } };
    });
    const post = (p: (typeof plan)[number], body: unknown, idempotencyKey: string, phase: string): Promise<Operation> =>
      call('storm_payment', 'POST', urls.orchestration, '/v1/payments', keys.channel[p.channelId], { body, idempotencyKey, refs: { ...p.refs, phase } });
    // 1. Each key 50 times at once, the same body.
    for (let i = 0; i < plan.length; i += stormWave) {
      await Promise.all(
        plan.slice(i, i + stormWave).flatMap((p) => {
          const key = `chaos-${run}-storm-${p.refs.stormKey}`;
          return Array.from({ length: stormWidth }, () => post(p, p.body, key, 'same_key'));
        }),
      );
    }
    // 2. The same channelTxnIds under new keys: the same body (the original payment again) and another
    //    paidAt (409 duplicate_payment); never a second payment.
    await Promise.all(
      plan.flatMap((p) => [
        post(p, p.body, `chaos-${run}-storm-${p.refs.stormKey}-again`, 'new_key_same_body'),
        post(p, { ...p.body, paidAt: new Date(Date.parse(p.body.paidAt) - 60_000).toISOString() }, `chaos-${run}-storm-${p.refs.stormKey}-other`, 'new_key_other_body'),
      ]),
    );
  }

  return {
    setScenario(name) {
      scenario = name;
    },
    start,
    stop,
    duplicateStorm,
    operations: () => ops,
  };
}

/** The identifiers an answer carries (payment, receipt, intent, reversal, campaign, status). */
function answerRefs(outcome: Outcome): Record<string, string> {
  if (outcome.kind !== 'response' || outcome.body === null || typeof outcome.body !== 'object') return {};
  const body = outcome.body as Record<string, unknown>;
  const refs: Record<string, string> = {};
  for (const field of ['paymentId', 'receiptNo', 'intentId', 'reversalId', 'campaignId', 'status', 'batchId'] as const) {
    if (typeof body[field] === 'string') refs[field] = body[field];
  }
  // A 409 duplicate_payment / payment_reversed names the original payment in its details.
  const details = (body['error'] as { details?: Record<string, unknown> } | undefined)?.details;
  if (details && typeof details['paymentId'] === 'string') refs['paymentId'] = details['paymentId'];
  return refs;
}

function base7(n: number): string {
  return String(n % 10_000_000).padStart(7, '0');
}

