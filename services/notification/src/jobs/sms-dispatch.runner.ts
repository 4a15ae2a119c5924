// The dispatcher's loop: claims what is due in sms_messages (flows/claim-due-sms.flow.ts), urgent
// messages first, and sends each through the send-sms flow (flows/send-sms.flow.ts: quiet hours,
// opt-outs, the SMSC, the record), keeping about one SMPP window's worth of messages in flight, the
// next claim at hand, and the records of what the SMSC accepted written by group commit.
//
// Nothing is lost: a message is leased, not taken, so a crash hands it to the next dispatcher.
import { sharedMetric } from '@gateway/kit';
import type { Logger } from '@gateway/kit';
import type { Pool } from 'pg';
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { QuietHours } from '../domain/quiet-hours.ts';
import { claimDueSms } from '../flows/claim-due-sms.flow.ts';
import { createGroupCommit } from '../flows/group-commit.ts';
import { sendSms } from '../flows/send-sms.flow.ts';
import type { SendSmsPorts } from '../flows/send-sms.flow.ts';
import { recordSubmitted } from '../flows/sms-outcome-steps.ts';
import type { SubmittedSms } from '../flows/sms-outcome-steps.ts';
import type { SmscClient } from '../smpp/smsc-client.ts';
import { dueQueueStats, releaseMessages } from '../store/pg-message-store.ts';
import type { ClaimedMessage } from '../store/pg-message-store.ts';

export type SmsDispatcherOptions = {
  pool: Pool;
  smsc: Pick<SmscClient, 'submit' | 'isBound'>;
  logger: Logger;
  registry?: Registry;
  /** The sender id the handset shows. */
  sender: string;
  quietHours: QuietHours | null;
  /** Messages in flight at once (and claimed at a time); a little above the SMPP window keeps the window full. */
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
   * Stops claiming, lets go of the messages claimed and not started, and waits, for a bounded time,
   * for the messages in flight and their records. One still waiting then (the SMSC is gone, say) is
   * left to its lease: the next dispatcher takes it over, and a part the SMSC already had is answered
   * from its deduplication, not sent twice.
   */
  stop(): Promise<void>;
};

/** The most submitted messages one transaction records. */
const recordBatch = 500;

export function createSmsDispatcher(options: SmsDispatcherOptions): SmsDispatcher {
  const { pool, smsc } = options;
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
        const rows = await dueQueueStats(pool);
        this.reset();
        for (const urgency of ['urgent', 'normal']) {
          const row = rows.find((r) => r.urgent === (urgency === 'urgent'));
          this.set({ urgency, measure: 'count' }, row?.n ?? 0);
          this.set({ urgency, measure: 'oldest_seconds' }, row?.oldest ?? 0);
        }
      },
    }),
  );

  // The record of a message whose parts the SMSC accepted (submitted, its sms-sent) goes to a group
  // commit: the records that come in while one transaction is written share the next one
  // (flows/group-commit.ts). The message leaves its slot in flight once the record is handed over,
  // so the slots stay with the SMSC's window rather than with Postgres's commits; until the record
  // commits, the message is still queued and leased, so no one claims it or another for its
  // recipient, and a record that fails leaves it to its lease (a resubmit is answered from the
  // SMSC's deduplication).
  const recordSent = createGroupCommit<SubmittedSms, void>({
    maxBatch: recordBatch,
    write: async (sent) => {
      await recordSubmitted(pool, sent, clock());
      return sent.map(() => undefined);
    },
  });
  const recording = new Set<Promise<void>>();
  function handOver(sent: SubmittedSms): Promise<void> {
    const written = recordSent(sent)
      .catch((error: unknown) => {
        outcomes.inc({ outcome: 'error', template: sent.message.template });
        log.error({ err: error, messageId: sent.message.messageId }, 'recording a submitted SMS failed; it will be taken again when its lease ends');
      })
      .finally(() => {
        recording.delete(written);
        wakeUp?.();
      });
    recording.add(written);
    return Promise.resolve();
  }
  const sending: SendSmsPorts = {
    pool,
    smsc,
    sender: options.sender,
    quietHours: options.quietHours,
    maxAttempts: options.maxAttempts,
    now: clock,
    recordSubmitted: handOver,
  };
  const claiming = { pool, leaseMs: options.leaseMs, now: clock };

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

  /**
   * Claimed and not started yet: the next claim is taken while the window is busy, so that a freed
   * slot finds its next message at hand instead of waiting for a claim (a claim round trip per few
   * messages was the dispatcher's limit). One recipient's messages, as a list.
   */
  const ready: ClaimedMessage[][] = [];
  const readyMessages = (): number => ready.reduce((n, messages) => n + messages.length, 0);

  function startReady(): void {
    while (running && inFlight.size < options.concurrency && ready.length > 0) track(ready.shift()!);
  }

  /** Sends `messages` (all for one recipient) one after the other, as one task in flight. */
  function track(messages: readonly ClaimedMessage[]): void {
    const task = (async () => {
      for (const message of messages) {
        try {
          outcomes.inc({ outcome: await sendSms(sending, message), template: message.template });
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
      startReady();
      wakeUp?.();
    });
    inFlight.add(task);
    inFlightGauge.set(inFlight.size);
  }

  async function run(): Promise<void> {
    while (running) {
      startReady();
      // Unbound, claiming would only age leases (the client reconnects by itself). Enough at hand, or
      // records waiting for Postgres: a slow database must slow the sending down, not pile up records.
      if (!smsc.isBound() || readyMessages() >= options.concurrency || recording.size >= recordBatch * 2) {
        await sleep(smsc.isBound() ? options.pollMs * 5 : options.pollMs);
        continue;
      }
      let claimed: ClaimedMessage[][] = [];
      try {
        claimed = await claimDueSms(claiming, options.concurrency);
      } catch (error) {
        log.warn({ err: error }, 'cannot claim queued SMS; retrying');
      }
      ready.push(...claimed);
      if (claimed.length === 0) await sleep(options.pollMs);
    }
    // Claimed but never started: let go of them now rather than leave them to their leases.
    const unstarted = ready.splice(0).flat();
    try {
      await releaseMessages(pool, unstarted.map((m) => m.messageId));
    } catch (error) {
      log.warn({ err: error, messages: unstarted.length }, 'cannot release claimed SMS; their leases hand them over when they end');
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
        Promise.allSettled([...inFlight]).then(() => Promise.allSettled([...recording])),
        new Promise((resolve) => (timer = setTimeout(resolve, options.stopTimeoutMs ?? 5_000))),
      ]);
      clearTimeout(timer);
      if (inFlight.size + recording.size > 0) {
        log.warn({ inFlight: inFlight.size, recording: recording.size }, 'stopped with messages in flight; their leases hand them to the next dispatcher');
      }
    },
  };
}
