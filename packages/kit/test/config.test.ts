import { describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, commonConfigSchema, envBoolean, envCsv, envDurationMs, envInteger, envPort, loadConfig, repoRoot } from '../src/config/index.ts';
import { kafkaSaslOf } from '../src/kafka/index.ts';

const validEnv = {
  HTTP_PORT: '3001',
  DATABASE_URL: 'postgres://gateway:gateway@127.0.0.1:5432/billing',
  KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.2:9093',
  REDIS_URL: 'redis://127.0.0.1:6379',
};

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('parses a valid environment into typed values with defaults', () => {
    const config = loadConfig(commonConfigSchema, validEnv);
    expect(config).toEqual({
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: 3001,
      DATABASE_URL: validEnv.DATABASE_URL,
      DATABASE_POOL_SIZE: 20,
      KAFKA_BROKERS: ['127.0.0.1:9092', '127.0.0.2:9093'],
      REDIS_URL: validEnv.REDIS_URL,
      LOG_LEVEL: 'info',
      CLIENTS_FILE: path.join(repoRoot, 'infra/local/clients.json'),
      SHUTDOWN_TIMEOUT_MS: 10_000,
      HTTP_BODY_LIMIT_BYTES: 262_144,
      AUTH_AUDIT_FLUSH_MS: 10_000,
      AUTH_AUDIT_MAX_KEYS: 1_000,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_CONSUMER_CONCURRENCY: 3,
      KAFKA_SESSION_TIMEOUT: 10_000,
      KAFKA_START_WAIT_MS: 120_000,
      RETENTION_INTERVAL: 3_600_000,
      RETENTION_BATCH_SIZE: 1_000,
      OUTBOX_RETENTION: 7 * 86_400_000,
      OUTBOX_BATCH_SIZE: 1_000,
      OUTBOX_BATCH_MAX_BYTES: 1_000_000,
      OUTBOX_POLL_INTERVAL: 500,
      INBOX_RETENTION: 14 * 86_400_000,
    });
  });

  it('names every bad or missing variable in one line', () => {
    const error = configError(() =>
      loadConfig(commonConfigSchema, { HTTP_PORT: 'eighty', KAFKA_BROKERS: 'nohostport', LOG_LEVEL: 'loud', SHUTDOWN_TIMEOUT_MS: 'soon' }),
    );
    expect(error.message).not.toContain('\n');
    expect(error.message).toMatch(/^invalid configuration: /);
    expect(error.message).toContain('HTTP_PORT must be an integer');
    expect(error.message).toContain('DATABASE_URL is required');
    expect(error.message).toContain('REDIS_URL is required');
    expect(error.message).toContain('KAFKA_BROKERS must be a comma-separated list of host:port');
    expect(error.message).toContain('LOG_LEVEL must be one of');
    expect(error.message).toContain('SHUTDOWN_TIMEOUT_MS must be a duration');
    expect(error.problems).toHaveLength(6);
  });

  it('treats an empty variable as unset, and never echoes values (URLs carry passwords)', () => {
    const error = configError(() => loadConfig(commonConfigSchema, { ...validEnv, REDIS_URL: '', DATABASE_URL: 'mysql://user:hunter2@db/x' }));
    expect(error.message).toContain('REDIS_URL is required');
    expect(error.message).toContain('DATABASE_URL must be a URL starting with postgres:// or postgresql://');
    expect(error.message).not.toContain('hunter2');
  });

  it('lets a service extend the common schema with its own fields and defaults', () => {
    const schema = commonConfigSchema.extend({
      HTTP_PORT: envPort().default(3002),
      SMS_ENABLED: envBoolean().default(true),
      BATCH_SIZE: envInteger({ min: 1, max: 1000 }).default(100),
      POLL_INTERVAL_MS: envDurationMs().default(500),
      TOPICS: envCsv(),
      MODE: z.enum(['live', 'demo']),
    });
    const { HTTP_PORT: _port, ...withoutPort } = validEnv;
    const config = loadConfig(schema, { ...withoutPort, SMS_ENABLED: 'no', POLL_INTERVAL_MS: '2s', TOPICS: 'a, b', MODE: 'demo', CLIENTS_FILE: 'x/clients.json' });
    expect(config.HTTP_PORT).toBe(3002);
    expect(config.SMS_ENABLED).toBe(false);
    expect(config.BATCH_SIZE).toBe(100);
    expect(config.POLL_INTERVAL_MS).toBe(2000);
    expect(config.TOPICS).toEqual(['a', 'b']);
    expect(config.CLIENTS_FILE).toBe(path.join(repoRoot, 'x/clients.json'));

    const error = configError(() => loadConfig(schema, { ...validEnv, BATCH_SIZE: '0', MODE: 'chaos', TOPICS: ' , ' }));
    expect(error.message).toContain('BATCH_SIZE must be an integer between 1 and 1000');
    expect(error.message).toContain('TOPICS must be a comma-separated list with at least one item');
    expect(error.message).toMatch(/MODE is invalid \(.+\)/);
  });

  it('refuses ports out of range', () => {
    const error = configError(() => loadConfig(commonConfigSchema, { ...validEnv, HTTP_PORT: '70000' }));
    expect(error.message).toBe('invalid configuration: HTTP_PORT must be a port number between 1 and 65535');
  });

  it('reads the consumers\' session timeout as a duration (10 s by default), within what a broker accepts', () => {
    expect(loadConfig(commonConfigSchema, { ...validEnv, KAFKA_SESSION_TIMEOUT: '6s' }).KAFKA_SESSION_TIMEOUT).toBe(6_000);
    expect(loadConfig(commonConfigSchema, { ...validEnv, KAFKA_SESSION_TIMEOUT: '45000' }).KAFKA_SESSION_TIMEOUT).toBe(45_000);
    expect(configError(() => loadConfig(commonConfigSchema, { ...validEnv, KAFKA_SESSION_TIMEOUT: '500ms' })).message).toBe(
      'invalid configuration: KAFKA_SESSION_TIMEOUT must be between 1s and 30m',
    );
    expect(configError(() => loadConfig(commonConfigSchema, { ...validEnv, KAFKA_SESSION_TIMEOUT: 'soon' })).message).toBe(
      'invalid configuration: KAFKA_SESSION_TIMEOUT must be a duration such as 5000, 250ms, 30s, 5m, 1h or 7d',
    );
  });

  it('sizes the Postgres pool from DATABASE_POOL_SIZE, and refuses a size below 1', () => {
    expect(loadConfig(commonConfigSchema, { ...validEnv, DATABASE_POOL_SIZE: '50' }).DATABASE_POOL_SIZE).toBe(50);
    expect(configError(() => loadConfig(commonConfigSchema, { ...validEnv, DATABASE_POOL_SIZE: '0' })).message).toBe(
      'invalid configuration: DATABASE_POOL_SIZE must be an integer between 1 and 1000',
    );
  });

  it("reads the service's Kafka login, and refuses half of one at start rather than failing to log in later", () => {
    const config = loadConfig(commonConfigSchema, { ...validEnv, KAFKA_SASL_USERNAME: 'billing', KAFKA_SASL_PASSWORD: 's3cret', KAFKA_SASL_MECHANISM: 'SCRAM-SHA-256' });
    expect(kafkaSaslOf(config)).toEqual({ mechanism: 'scram-sha-256', username: 'billing', password: 's3cret' });
    expect(kafkaSaslOf(loadConfig(commonConfigSchema, validEnv))).toBeUndefined();
    expect(configError(() => kafkaSaslOf(loadConfig(commonConfigSchema, { ...validEnv, KAFKA_SASL_USERNAME: 'billing' }))).message).toBe(
      'invalid configuration: KAFKA_SASL_PASSWORD is required when KAFKA_SASL_USERNAME is set',
    );
    expect(configError(() => loadConfig(commonConfigSchema, { ...validEnv, KAFKA_SASL_MECHANISM: 'plain' })).message).toBe(
      'invalid configuration: KAFKA_SASL_MECHANISM must be one of scram-sha-512, scram-sha-256',
    );
  });
});
