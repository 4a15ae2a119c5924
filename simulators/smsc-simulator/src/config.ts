// The only place in the SMSC simulator that reads the environment (see kit's loadConfig for the rules).
import { envDurationMs, envLogLevel, envPort, envString, loadConfig } from '@gateway/kit';
import type { Env } from '@gateway/kit';
import { z } from 'zod';

export const configSchema = z.object({
  SIMULATOR_HOST: envString().default('127.0.0.1'),
  SMPP_PORT: envPort().default(2775),
  HTTP_PORT: envPort().default(4010),
  /** Our own identity, returned in bind responses; any ESME system_id may bind. */
  SMSC_SYSTEM_ID: envString().default('gateway'),
  SMSC_PASSWORD: envString().default('gateway'),
  DELIVERY_DELAY_MS: envDurationMs().default(1000),
  LOG_LEVEL: envLogLevel().default('info'),
});
export type SmscConfig = z.output<typeof configSchema>;

export function readConfig(env: Env = process.env): SmscConfig {
  return loadConfig(configSchema, env);
}
