// The only place in this service that reads the environment (see kit's loadConfig for the rules), and
// the one that reads the operators file, so a bad file stops the start with one line. The console
// has no database, so it does not take kit's common schema whole: only its Kafka fields (the live
// overview's feed, as the console's own principal, operator-console).
import path from 'node:path';
import { commonConfigSchema, envBoolean, envDurationMs, envFilePath, envInteger, envLogLevel, envPort, envString, envUrl, loadConfig, readJsonFile, repoRoot } from '@gateway/kit';
import type { Env } from '@gateway/kit';
import { z } from 'zod';
import { operatorsFileSchema } from './domain/operators.ts';

export const defaultOperatorsFile = path.join(repoRoot, 'infra/local/operators.json');

export const configSchema = z.object({
  HTTP_HOST: envString().default('127.0.0.1'),
  HTTP_PORT: envPort().default(3000),
  LOG_LEVEL: envLogLevel().default('info'),
  SHUTDOWN_TIMEOUT_MS: envDurationMs().default(10_000),
  REDIS_URL: envUrl(['redis:', 'rediss:']),
  CLIENTS_FILE: envFilePath().default(path.join(repoRoot, 'infra/local/clients.json')),
  // The console's own operator client in CLIENTS_FILE: it signs every call to the services with it.
  CONSOLE_CLIENT_ID: envString().default('operator-console'),
  BANK_ADAPTER_URL: envUrl(['http:', 'https:']).default('http://127.0.0.1:3003'),
  // The other services, asked only for their parked outbox rows (the Outbox screen).
  BILLING_URL: envUrl(['http:', 'https:']).default('http://127.0.0.1:3001'),
  ORCHESTRATION_URL: envUrl(['http:', 'https:']).default('http://127.0.0.1:3002'),
  NOTIFICATION_URL: envUrl(['http:', 'https:']).default('http://127.0.0.1:3004'),
  // How long a call to a service may take before the console answers 503.
  SERVICE_TIMEOUT_MS: envDurationMs().default(5_000),
  // Kafka, as the services read it: the overview's event feed, the services' consumer lag and the
  // dead-letter counts. The console's principal may read the overview's topics and describe the rest.
  ...commonConfigSchema.pick({ KAFKA_BROKERS: true, KAFKA_SASL_USERNAME: true, KAFKA_SASL_PASSWORD: true, KAFKA_SASL_MECHANISM: true }).shape,
  // How often the overview asks the services (outbox backlog, intents by status) and Kafka (consumer
  // lag, dead letters); the event feed itself is live.
  OVERVIEW_POLL_INTERVAL: envDurationMs().default(5_000),

  OPERATORS_FILE: envFilePath().default(defaultOperatorsFile),
  // A session unused this long ends (renewed by every request); none lives past SESSION_MAX_AGE.
  SESSION_IDLE_TIMEOUT: envDurationMs().default(15 * 60_000),
  SESSION_MAX_AGE: envDurationMs().default(8 * 3_600_000),
  // The cookie's Secure flag: on behind HTTPS; off by default because `npm start` serves plain HTTP on
  // 127.0.0.1, where a Secure cookie would never be sent back.
  SESSION_COOKIE_SECURE: envBoolean().default(false),
  // Failed sign-ins for one username within SIGNIN_LOCKOUT (counted from the first) before that
  // username is refused, right password or not, until the window ends.
  SIGNIN_MAX_FAILURES: envInteger({ min: 1, max: 1_000 }).default(5),
  SIGNIN_LOCKOUT: envDurationMs().default(15 * 60_000),
  // The SPA's build output (services/operator-console/web: npm run build there).
  WEB_DIST_DIR: envFilePath().default(path.join(repoRoot, 'services/operator-console/web/dist')),
});

export function readConfig(env: Env = process.env) {
  const config = loadConfig(configSchema, env);
  return { ...config, operators: readJsonFile('OPERATORS_FILE', config.OPERATORS_FILE, operatorsFileSchema) };
}
export type ConsoleConfig = ReturnType<typeof readConfig>;
