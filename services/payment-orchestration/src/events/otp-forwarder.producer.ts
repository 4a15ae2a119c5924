// Sends channel.otp-submitted straight to Kafka instead of through the outbox. The outbox keeps every
// event it published for days, and the OTP must never be stored (docs/design.md, Security): the command is
// the only place it travels, and only on the wire. So this is the one Kafka producer beside the
// consumers in events/. The confirm flow (flows/confirm-intent.flow.ts) calls it inside the route's
// transaction, before commit: if the send fails, the intent stays requires_confirmation and the
// payer simply confirms again; if the commit fails after a send, the adapter still forwards the OTP
// and the channel's result moves the intent as usual (results are accepted in any non-terminal state).
import type { EventOf } from '@gateway/contracts';
import { createProducer, eventHeaders } from '@gateway/kit';
import type { Logger } from '@gateway/kit';
import type { Kafka, Producer } from 'kafkajs';

export type OtpForwarder = {
  forward(event: EventOf<'channel.otp-submitted'>): Promise<void>;
  stop(): Promise<void>;
};

export function createOtpForwarder(options: { kafka: Kafka; logger: Logger; topic?: string }): OtpForwarder {
  const topic = options.topic ?? 'channels.commands';
  const log = options.logger.child({ component: 'otp-forwarder' });
  let producer: Producer | undefined;
  let connecting: Promise<Producer> | undefined;

  function connected(): Promise<Producer> {
    connecting ??= (async () => {
      const p = createProducer(options.kafka);
      await p.connect();
      producer = p;
      return p;
    })().catch((err: unknown) => {
      connecting = undefined;
      throw err;
    });
    return connecting;
  }

  return {
    async forward(event) {
      const p = await connected();
      try {
        await p.send({ topic, acks: -1, messages: [{ key: event.key, value: JSON.stringify(event), headers: eventHeaders(event) }] });
      } catch (err) {
        // A failed send may have been written; a fresh producer keeps the next, different command from
        // being dropped as a duplicate of it (see kit's createProducer).
        connecting = undefined;
        producer = undefined;
        await p.disconnect().catch(() => undefined);
        log.warn({ intentId: event.payload.intentId, err: err instanceof Error ? err.message : String(err) }, 'could not forward the OTP');
        throw err;
      }
    },
    async stop() {
      const p = producer;
      producer = undefined;
      connecting = undefined;
      await p?.disconnect();
    },
  };
}
