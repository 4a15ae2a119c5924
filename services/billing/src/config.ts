// The only place in this service that reads the environment (see kit's loadConfig for the rules), and
// the one that reads the late-fee policy file it names, so a bad policy stops the start with one line.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { commonConfigSchema, ConfigError, envBoolean, envDurationMs, envFilePath, envInteger, envPort, envString, loadConfig, repoRoot } from '@gateway/kit';
import type { Env } from '@gateway/kit';
import { defaultImportLimits } from './domain/bill-import.ts';
import { FeeScheduleError, loadFeeSchedules } from './domain/fee-schedule.ts';
import type { FeeSchedules } from './domain/fee-schedule.ts';
import { LateFeePolicyError, loadLateFeePolicy } from './domain/late-fee-policy.ts';
import type { LateFeePolicy } from './domain/late-fee-policy.ts';

export const defaultLateFeePolicyFile = path.join(repoRoot, 'services/billing/config/late-fee-policy.json');
export const defaultFeeSchedulesFile = path.join(repoRoot, 'services/billing/config/fee-schedules.json');

export const configSchema = commonConfigSchema.extend({
  HTTP_PORT: envPort().default(3001),
  LATE_FEE_POLICY_FILE: envFilePath().default(defaultLateFeePolicyFile),
  // Off only for an instance that must not run the daily job (the advisory lock already keeps two
  // instances from running it at once, so leaving it on everywhere is safe).
  LATE_FEE_RUN_ENABLED: envBoolean().default(true),
  LATE_FEE_CHUNK_SIZE: envInteger({ min: 1, max: 10_000 }).default(500),
  // The largest bill an import accepts (domain/bill-import.ts, defaultImportLimits): every bill leaves
  // as one bill.issued Kafka message, which must stay well under the broker's message size (1 MiB).
  BILL_MAX_LINES: envInteger({ min: 0, max: 100_000 }).default(defaultImportLimits.maxLines),
  BILL_MAX_BYTES: envInteger({ min: 1_024, max: 1_048_576 }).default(defaultImportLimits.maxBillBytes),
  // The topic settlement consumes and its group; overridable so a test or a replay can use its own.
  PAYMENTS_TOPIC: envString().default('payments.payments'),
  SETTLEMENT_GROUP_ID: envString().default('billing.settlement'),
  // The dead-letter ledger's own group (it reads the .dlq twins of the consumed topics; kit dead-letters).
  DEAD_LETTER_GROUP_ID: envString().default('billing.dead-letters'),
  // Government fee billers' fees by service and effective day (issue 16), and how long a fee order
  // waits for its payment when its fee names no orderTtlDays of its own.
  FEE_SCHEDULES_FILE: envFilePath().default(defaultFeeSchedulesFile),
  FEE_ORDER_TTL: envDurationMs()
    .refine((ms) => ms >= 60_000 && ms <= 90 * 86_400_000, { error: 'must be from 1m to 90d' })
    .default(7 * 86_400_000),
});

export type BillingConfig = ReturnType<typeof readConfig>;

/** Reads and validates the policy file; every problem is named with the file it is in. */
export function readLateFeePolicyFile(file: string): LateFeePolicy {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError([`LATE_FEE_POLICY_FILE cannot be read (${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`LATE_FEE_POLICY_FILE is not valid JSON (${file}: ${(error as Error).message})`]);
  }
  try {
    return loadLateFeePolicy(json);
  } catch (error) {
    if (error instanceof LateFeePolicyError) throw new ConfigError(error.problems.map((p) => `LATE_FEE_POLICY_FILE ${file}: ${p}`));
    throw error;
  }
}

/** Reads and validates the fee schedules; every problem is named with the file it is in. */
export function readFeeSchedulesFile(file: string, defaultTtlMs: number): FeeSchedules {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError([`FEE_SCHEDULES_FILE cannot be read as JSON (${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`]);
  }
  try {
    return loadFeeSchedules(json, defaultTtlMs);
  } catch (error) {
    if (error instanceof FeeScheduleError) throw new ConfigError(error.problems.map((p) => `FEE_SCHEDULES_FILE ${file}: ${p}`));
    throw error;
  }
}

export function readConfig(env: Env = process.env) {
  const config = loadConfig(configSchema, env);
  return {
    ...config,
    lateFeePolicy: readLateFeePolicyFile(config.LATE_FEE_POLICY_FILE),
    feeSchedules: readFeeSchedulesFile(config.FEE_SCHEDULES_FILE, config.FEE_ORDER_TTL),
  };
}
