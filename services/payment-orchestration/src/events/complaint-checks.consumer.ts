// Runs the automatic first check of each complaint filed (complaint.logged on payments.complaints,
// flows/check-complaint.flow.ts) in its own consumer group. One message at a time (kit's createConsumer,
// not the batch consumer): the check asks the bank adapter and notification over HTTP, which must not
// hold a transaction open. A dependency that cannot answer makes the handler throw: the kit retries with
// backoff and, if it persists, dead-letters the event (replayable; the complaint meanwhile waits in the
// operators' queue, still logged). Redelivery is harmless: the flow changes only an unchecked, logged complaint.
import { createConsumer } from '@gateway/kit';
import type { EventConsumer, Logger } from '@gateway/kit';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { checkFiledComplaint } from '../flows/check-complaint.flow.ts';
import type { ComplaintCheckDeps } from '../flows/check-complaint.flow.ts';
import type { ConsumerTuning } from './bill-read-model.consumer.ts';

export function createComplaintChecksConsumer(
  deps: ComplaintCheckDeps & {
    kafka: Kafka;
    logger: Logger;
    registry?: Registry;
    /** The complaints topic to read (payments.complaints). */
    complaintsTopic: string;
    groupId: string;
    consumerOptions?: Omit<ConsumerTuning, 'maxBatchSize'>;
  },
): EventConsumer {
  const log = deps.logger.child({ component: 'complaint-checks' });
  return createConsumer({
    kafka: deps.kafka,
    groupId: deps.groupId,
    topics: [deps.complaintsTopic],
    logger: deps.logger,
    registry: deps.registry,
    ...deps.consumerOptions,
    async handler(event) {
      if (event.type !== 'complaint.logged') return;
      const outcome = await checkFiledComplaint(deps, event.payload.complaintId);
      log.info({ complaintId: event.payload.complaintId, type: event.payload.type, outcome }, 'complaint checked');
    },
  });
}
