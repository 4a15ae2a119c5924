import kafkajs from 'kafkajs';
import type { Kafka, LogEntry, logCreator } from 'kafkajs';
import type { Logger } from 'pino';

// kafkajs is CommonJS; its named exports are not all visible to ESM, so take them off the default.
const { Kafka: KafkaClient, logLevel } = kafkajs;

export interface CreateKafkaOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
  /** Per TCP connect; kafkajs's 1 s default is tight for a broker that is just starting. */
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
}

// Messages kafkajs logs at WARN/ERROR that are expected in this design and handled by the caller;
// logging them as warnings would train operators to ignore warnings.
const expectedNoise = [
  // The outbox relay and the DLQ writer cap retries and replace the producer after a failure, which
  // is what keeps exactly-once intact (see outbox/relay.ts).
  'Limiting retries for the idempotent producer may invalidate EoS guarantees',
];

function pinoLogCreator(logger: Logger): logCreator {
  const child = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, timestamp: _timestamp, ...extra } = log;
      const fields = { namespace, ...extra };
      if (expectedNoise.some((m) => message.startsWith(m))) child.debug(fields, message);
      // kafkajs logs every error response from a broker at ERROR, including routine retriable ones
      // ("the coordinator is loading" after a broker start). It retries those itself, and a real
      // failure reaches our caller, which logs it with context; as errors they would page on-call.
      else if (level === logLevel.ERROR && namespace === 'Connection' && message.startsWith('Response ')) child.warn(fields, message);
      else if (level === logLevel.ERROR) child.error(fields, message);
      else if (level === logLevel.WARN) child.warn(fields, message);
      else if (level === logLevel.INFO) child.info(fields, message);
      else child.debug(fields, message);
    };
}

export function createKafka(options: CreateKafkaOptions): Kafka {
  return new KafkaClient({
    brokers: options.brokers,
    clientId: options.clientId,
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    logLevel: options.logger.isLevelEnabled('debug') ? logLevel.DEBUG : logLevel.INFO,
    logCreator: pinoLogCreator(options.logger),
  });
}
