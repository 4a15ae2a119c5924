// The only place in this service that reads the environment (see kit's loadConfig for the rules), and
// the one that reads the channel names file, so a bad file stops the start with one line.
import path from 'node:path';
import {
  ConfigError,
  commonConfigSchema,
  envBoolean,
  envCsv,
  envDurationMs,
  envFilePath,
  envInteger,
  envPort,
  envString,
  loadConfig,
  readJsonFile,
  repoRoot,
} from '@gateway/kit';
import type { Env } from '@gateway/kit';
import { z } from 'zod';
import { parseQuietHours } from './domain/quiet-hours.ts';

export const defaultChannelNamesFile = path.join(repoRoot, 'services/notification/config/channels.json');
export const defaultBillerNamesFile = path.join(repoRoot, 'services/notification/config/billers.json');

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)');

export const configSchema = commonConfigSchema.extend({
  HTTP_PORT: envPort().default(3004),

  // The telecom's SMSC (the simulator locally) and what its licence allows us.
  SMSC_HOST: envString().default('127.0.0.1'),
  SMSC_PORT: envPort().default(2775),
  SMSC_SYSTEM_ID: envString().default('notification'),
  SMSC_PASSWORD: envString().default('gateway'),
  // The sender the handset shows: an alphanumeric id the telecom registered with the SMSC.
  SMS_SENDER: envString().default('SyTelecom'),
  // Submits sent and not yet answered; what the SMSC's interface spec allows per bind.
  SMPP_WINDOW: envInteger({ min: 1, max: 100 }).default(10),
  // Submits per second the licence allows (0: unthrottled, for benches against the simulator only).
  SMPP_RATE_PER_SECOND: envInteger({ min: 0, max: 10_000 }).default(100),
  SMPP_ENQUIRE_LINK_MS: envDurationMs().default(30_000),
  SMPP_RESPONSE_TIMEOUT_MS: envDurationMs().default(10_000),
  SMPP_RECONNECT_INITIAL_MS: envDurationMs().default(500),
  SMPP_RECONNECT_MAX_MS: envDurationMs().default(30_000),

  // Non-urgent messages wait out these hours (business zone); "off" disables them.
  QUIET_HOURS: envString().default('22:00-08:00'),
  // Leads, in days before the due date, at which an unpaid bill is reminded ("3" or "7,3,1").
  REMINDER_DAYS_BEFORE: envCsv().default(['3']),
  REMINDER_LOCAL_TIME: hhmm.default('10:00'),
  REMINDER_SCAN_INTERVAL_MS: envDurationMs().default(60_000),
  REMINDERS_ENABLED: envBoolean().default(true),

  DISPATCH_POLL_MS: envDurationMs().default(200),
  // How long a dispatcher holds a message before another replica may take it over.
  DISPATCH_LEASE_MS: envDurationMs().default(60_000),
  // SMSC errors that may pass (system error, queue full) before a message is given up as failed.
  DISPATCH_MAX_ATTEMPTS: envInteger({ min: 1, max: 100 }).default(8),

  CAMPAIGN_BATCH_SIZE: envInteger({ min: 1, max: 100_000 }).default(1_000),
  CAMPAIGN_POLL_MS: envDurationMs().default(1_000),

  // An event older than this is applied to the read model but texts nobody: a new consumer group
  // reading a topic from its beginning, or a replay of old events, must not text last month's bills.
  SMS_MAX_EVENT_AGE_MS: envDurationMs().default(48 * 3_600_000),

  CHANNEL_NAMES_FILE: envFilePath().default(defaultChannelNamesFile),
  // The government fee billers (issue 16), named on their orders' SMS; the telecom is not listed.
  BILLER_NAMES_FILE: envFilePath().default(defaultBillerNamesFile),
  // The topics consumed and the group; overridable so a test or a replay can use its own.
  BILLS_TOPIC: envString().default('billing.bills'),
  PAYMENTS_TOPIC: envString().default('payments.payments'),
  INTENTS_TOPIC: envString().default('payments.intents'),
  // complaint.* from payment orchestration: the customer's SMS when a complaint is filed, resolved or rejected.
  COMPLAINTS_TOPIC: envString().default('payments.complaints'),
  CONSUMER_GROUP_ID: envString().default('notification.sms'),
  // The dead-letter ledger's own group (it reads the .dlq twins of the consumed topics; kit dead-letters).
  DEAD_LETTER_GROUP_ID: envString().default('notification.dead-letters'),
});

const localizedNamesSchema = z.record(z.string().min(1), z.object({ ar: z.string().min(1), en: z.string().min(1) }));

function parseLeads(values: readonly string[]): number[] {
  const leads = values.map(Number);
  if (leads.length === 0 || leads.some((n) => !Number.isSafeInteger(n) || n < 0 || n > 60)) {
    throw new ConfigError([`REMINDER_DAYS_BEFORE must be whole days between 0 and 60, comma-separated; got "${values.join(',')}"`]);
  }
  return leads;
}

function quietHoursOf(text: string) {
  try {
    return parseQuietHours(text);
  } catch (error) {
    throw new ConfigError([`QUIET_HOURS: ${(error as Error).message}`]);
  }
}

export function readConfig(env: Env = process.env) {
  const config = loadConfig(configSchema, env);
  return {
    ...config,
    quietHours: quietHoursOf(config.QUIET_HOURS),
    reminderLeads: parseLeads(config.REMINDER_DAYS_BEFORE),
    channelNames: readJsonFile('CHANNEL_NAMES_FILE', config.CHANNEL_NAMES_FILE, localizedNamesSchema),
    billerNames: readJsonFile('BILLER_NAMES_FILE', config.BILLER_NAMES_FILE, localizedNamesSchema),
  };
}
export type NotificationConfig = ReturnType<typeof readConfig>;
