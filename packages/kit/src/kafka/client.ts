import kafkajs from 'kafkajs';
import type { Kafka, LogEntry, SASLOptions, logCreator } from 'kafkajs';
import type { Logger } from 'pino';
import { ConfigError } from '../config/config-error.ts';
import type { KafkaSaslMechanism } from '../config/env-fields.ts';

// kafkajs is CommonJS; its named exports are not all visible to ESM, so take them off the default.
const { Kafka: KafkaClient, logLevel } = kafkajs;

export interface KafkaSasl {
  mechanism: KafkaSaslMechanism;
  username: string;
  password: string;
}

export interface CreateKafkaOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
  /** The principal to log in as (SASL/SCRAM over plaintext); none: an unauthenticated client. */
  sasl?: KafkaSasl;
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

// kafkajs types each mechanism separately; this narrows our one shape to the matching member.
function saslOptions({ mechanism, username, password }: KafkaSasl): SASLOptions {
  return mechanism === 'scram-sha-256' ? { mechanism, username, password } : { mechanism, username, password };
}

export function createKafka(options: CreateKafkaOptions): Kafka {
  return new KafkaClient({
    brokers: options.brokers,
    clientId: options.clientId,
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    logLevel: options.logger.isLevelEnabled('debug') ? logLevel.DEBUG : logLevel.INFO,
    logCreator: pinoLogCreator(options.logger),
    ...(options.sasl ? { sasl: saslOptions(options.sasl), ssl: false } : {}),
  });
}

/**
 * The SASL settings of a service's configuration: none when no user name is set, and a configuration
 * error (not a confusing authentication failure later) when only one of name and password is.
 */
export function kafkaSaslOf(config: { KAFKA_SASL_USERNAME?: string | undefined; KAFKA_SASL_PASSWORD?: string | undefined; KAFKA_SASL_MECHANISM: KafkaSaslMechanism }): KafkaSasl | undefined {
  const { KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password, KAFKA_SASL_MECHANISM: mechanism } = config;
  if (username === undefined && password === undefined) return undefined;
  if (username === undefined) throw new ConfigError(['KAFKA_SASL_USERNAME is required when KAFKA_SASL_PASSWORD is set']);
  if (password === undefined) throw new ConfigError(['KAFKA_SASL_PASSWORD is required when KAFKA_SASL_USERNAME is set']);
  return { mechanism, username, password };
}
