// Sends what is queued in sms_messages through the SMSC client, urgent messages first. Quiet hours
// and opt-outs are checked here, at send time, not when the message was queued: a campaign queued at
// 21:00 and still draining at 22:00 stops for the night, and a STOP that arrives while a campaign is
// running stops its remaining messages.
//
// Nothing is lost and nothing is sent twice: a message is leased, not taken, so a crash hands it to
// the next dispatcher; each part carries our reference (<messageId>:<part>), so a part resubmitted
// after a lost connection is answered by the SMSC with the first message id instead of a second SMS;
// the parts the SMSC already accepted are recorded, so a retry resumes after them.
import { sharedMetric } from '@gateway/kit';
import type { Logger } from '@gateway/kit';
import type { Pool } from 'pg';
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import { optOutTemplates } from '../domain/opt-out-keywords.ts';
import { sendableAt } from '../domain/quiet-hours.ts';
import type { QuietHours } from '../domain/quiet-hours.ts';
import { concatReferenceOf, shortMessageOf, splitSms } from '../domain/sms-segments.ts';
import type { SmscClient } from '../smpp/smsc-client.ts';
import {
  claimDueMessages,
  deferMessage,
  failMessage,
  markSubmitted,
  recordAcceptedParts,
  suppressMessage,
} from '../store/pg-message-store.ts';
import type { AcceptedPart, ClaimedMessage } from '../store/pg-message-store.ts';

export type SmsDispatcherOptions = {
  pool: Pool;
  smsc: Pick<SmscClient, 'submit' | 'isBound'>;
  logger: Logger;
  registry?: Registry;
  /** The sender id the handset shows. */
  sender: string;
  quietHours: QuietHours | null;
  /** Messages in flight at once; a little above the SMPP window keeps the window full. */
  concurrency: number;
  pollMs: number;
  leaseMs: number;
  maxAttempts: number;
  /** How long stop() waits for messages in flight (default 5 s); see stop(). */
  stopTimeoutMs?: number;
  clock?: () => Date;
};

export type SmsDispatcher = {
  start(): void;
  /** Wakes the loop now (an event just queued something). */
  wake(): void;
  /**
   * Stops claiming and waits, for a bounded time, for the messages in flight. One still waiting then
   * (the SMSC is gone, say) is left to its lease: the next dispatcher takes it over, and a part the
   * SMSC already had is answered from its deduplication, not sent twice.
   */
  stop(): Promise<void>;
};

type Outcome = 'submitted' | 'deferred' | 'suppressed' | 'failed' | 'retry';

/** Backoff for SMSC errors: 1 s, 2 s, 4 s … capped at 5 minutes. */
function retryDelayMs(attempts: number): number {
  return Math.min(300_000, 1_000 * 2 ** Math.max(0, attempts - 1));
}

export function createSmsDispatcher(options: SmsDispatcherOptions): SmsDispatcher {
  const { pool, smsc, quietHours } = options;
  const log = options.logger.child({ component: 'sms-dispatcher' });
  const clock = options.clock ?? (() => new Date());
  const outcomes = sharedMetric(options.registry, 'notification_sms_dispatch_total', (registers) =>
    new Counter({ name: 'notification_sms_dispatch_total', help: 'Messages handled by the dispatcher, by outcome.', labelNames: ['outcome', 'template'], registers }),
  );
  const inFlightGauge = sharedMetric(options.registry, 'notification_sms_in_flight', (registers) =>
    new Gauge({ name: 'notification_sms_in_flight', help: 'Messages being submitted now.', registers }),
  );

  // What an operator watches when the SMSC or a campaign backs up: how much is due and how late the
  // oldest due message is (receipts are meant to leave within seconds). Read from Postgres at scrape
  // time, so every replica reports the shared queue.
  sharedMetric(options.registry, 'notification_sms_due', (registers) =>
    new Gauge({
      name: 'notification_sms_due',
      help: 'Queued messages already due, and the age in seconds of the oldest, by urgency.',
      labelNames: ['urgency', 'measure'],
      registers,
      async collect() {
        const { rows } = await pool.query<{ urgent: boolean; n: number; oldest: number | null }>(
          `SELECT urgent, count(*)::int AS n, EXTRACT(EPOCH FROM now() - min(not_before))::float8 AS oldest
             FROM sms_messages WHERE state = 'queued' AND not_before <= now() GROUP BY urgent`,
        );
        this.reset();
        for (const urgency of ['urgent', 'normal']) {
          const row = rows.find((r) => r.urgent === (urgency === 'urgent'));
          this.set({ urgency, measure: 'count' }, row?.n ?? 0);
          this.set({ urgency, measure: 'oldest_seconds' }, row?.oldest ?? 0);
        }
      },
    }),
  );

  const inFlight = new Set<Promise<void>>();
  let running = false;
  let loop: Promise<void> | null = null;
  let wakeUp: (() => void) | null = null;

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = null;
        resolve();
      }
      wakeUp = done;
    });
  }

  async function send(message: ClaimedMessage): Promise<Outcome> {
    const now = clock();
    if (message.optedOut && optOutTemplates.has(message.template)) {
      await suppressMessage(pool, message.messageId, 'the subscriber opted out (STOP)', now);
      return 'suppressed';
    }
    if (!message.urgent) {
      const at = sendableAt(now, quietHours);
      if (at.getTime() > now.getTime()) {
        await deferMessage(pool, message.messageId, at, null, false);
        return 'deferred';
      }
    }
    const split = splitSms(message.body, concatReferenceOf(message.messageId));
    const parts: AcceptedPart[] = [];
    const fresh: AcceptedPart[] = [];
    for (const [index, part] of split.parts.entries()) {
      const seq = index + 1;
      const known = message.accepted.get(seq);
      if (known !== undefined) {
        parts.push({ seq, smscMessageId: known });
        continue;
      }
      const outcome = await smsc.submit({
        to: message.recipient,
        from: options.sender,
        esmClass: part.esmClass,
        dataCoding: part.dataCoding,
        shortMessage: shortMessageOf(part),
        reference: `${message.messageId}:${seq}`,
      });
      if (outcome.status === 'accepted') {
        const accepted = { seq, smscMessageId: outcome.smscMessageId };
        parts.push(accepted);
        fresh.push(accepted);
        continue;
      }
      await recordAcceptedParts(pool, message.messageId, fresh, clock());
      if (outcome.status === 'connection_lost' || outcome.status === 'throttled') {
        // Not the message's fault, and the SMSC has not refused it: back in the queue at once (the
        // client holds off by itself while throttled or unbound), without counting an attempt.
        await deferMessage(pool, message.messageId, clock(), outcome.status, false);
        return 'retry';
      }
      const code = `0x${outcome.commandStatus.toString(16).padStart(8, '0')}`;
      if (outcome.permanent) {
        await failMessage(pool, message, { state: 'rejected', reason: `the SMSC refused part ${seq} (command status ${code})`, errorCode: code }, clock());
        return 'failed';
      }
      if (message.attempts + 1 >= options.maxAttempts) {
        await failMessage(pool, message, { state: 'failed', reason: `the SMSC kept failing part ${seq} (command status ${code}) after ${options.maxAttempts} attempts`, errorCode: code }, clock());
        return 'failed';
      }
      await deferMessage(pool, message.messageId, new Date(clock().getTime() + retryDelayMs(message.attempts + 1)), `SMSC error ${code}`, true);
      return 'retry';
    }
    await markSubmitted(pool, message, { parts, encoding: split.encoding, segments: split.parts.length }, clock());
    return 'submitted';
  }

  /** Sends `messages` (all for one recipient) one after the other, as one task in flight. */
  function track(messages: readonly ClaimedMessage[]): void {
    const task = (async () => {
      for (const message of messages) {
        try {
          outcomes.inc({ outcome: await send(message), template: message.template });
        } catch (error) {
          // Postgres trouble mid-send: the lease runs out and the message is taken again; a part the
          // SMSC already has is deduplicated by its reference.
          outcomes.inc({ outcome: 'error', template: message.template });
          log.error({ err: error, messageId: message.messageId }, 'sending an SMS failed; it will be retried when its lease ends');
        }
      }
    })().finally(() => {
      inFlight.delete(task);
      inFlightGauge.set(inFlight.size);
      wakeUp?.();
    });
    inFlight.add(task);
    inFlightGauge.set(inFlight.size);
  }

  async function run(): Promise<void> {
    while (running) {
      const room = options.concurrency - inFlight.size;
      // Unbound, claiming would only age leases; the client reconnects by itself.
      if (room <= 0 || !smsc.isBound()) {
        await sleep(room <= 0 ? options.pollMs * 5 : options.pollMs);
        continue;
      }
      let claimed: ClaimedMessage[] = [];
      try {
        claimed = await claimDueMessages(pool, room, options.leaseMs, clock());
      } catch (error) {
        log.warn({ err: error }, 'cannot claim queued SMS; retrying');
      }
      const byRecipient = new Map<string, ClaimedMessage[]>();
      for (const message of claimed) byRecipient.set(message.recipient, [...(byRecipient.get(message.recipient) ?? []), message]);
      for (const messages of byRecipient.values()) track(messages);
      if (claimed.length === 0) await sleep(options.pollMs);
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    wake() {
      wakeUp?.();
    },
    async stop() {
      running = false;
      wakeUp?.();
      await loop;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...inFlight]),
        new Promise((resolve) => (timer = setTimeout(resolve, options.stopTimeoutMs ?? 5_000))),
      ]);
      clearTimeout(timer);
      if (inFlight.size > 0) log.warn({ inFlight: inFlight.size }, 'stopped with messages in flight; their leases hand them to the next dispatcher');
    },
  };
}
