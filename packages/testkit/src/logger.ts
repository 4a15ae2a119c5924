import { pino } from 'pino';
import type { Logger } from 'pino';

/** Silent unless TEST_LOG_LEVEL is set (e.g. TEST_LOG_LEVEL=debug to see kafkajs and relay logs). */
export function testLogger(name = 'test'): Logger {
  return pino({ name, level: process.env['TEST_LOG_LEVEL'] || 'silent' });
}
