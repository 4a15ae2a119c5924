// The only place in this service that reads the environment (see kit's loadConfig for the rules), and
// the one that reads the catalogue files it names (billers, channels, fees), so a bad file stops the
// start with one line naming it.
import path from 'node:path';
import { commonConfigSchema, envDurationMs, envFilePath, envInteger, envPort, envString, envUrl, loadConfig, readJsonFile, repoRoot } from '@gateway/kit';
import type { Env } from '@gateway/kit';
import type { z } from 'zod';
import { billerCatalogueSchema, channelCatalogueSchema } from './domain/catalogues.ts';
import type { BillerCatalogue, ChannelCatalogue } from './domain/catalogues.ts';
import { feeScheduleSchema } from './domain/fees.ts';
import type { FeeSchedule } from './domain/fees.ts';

const configDir = path.join(repoRoot, 'services/payment-orchestration/config');

export const configSchema = commonConfigSchema.extend({
  HTTP_PORT: envPort().default(3002),
  BILLERS_FILE: envFilePath().default(path.join(configDir, 'billers.json')),
  CHANNELS_FILE: envFilePath().default(path.join(configDir, 'channels.json')),
  FEES_FILE: envFilePath().default(path.join(configDir, 'fees.json')),
  // How long a bill inquiry's quoted amounts are honoured.
  INQUIRY_TTL: envDurationMs().default(600_000),
  // How long past its expiry an inquiry's row is kept before the retention pass deletes it.
  INQUIRY_RETENTION: envDurationMs().default(7 * 86_400_000),
  // The window around the gateway's clock a payment notification's paidAt must fall in: a little
  // ahead for clock skew, a week back for a channel replaying its queue after an outage.
  PAID_AT_MAX_AHEAD: envDurationMs().default(300_000),
  PAID_AT_MAX_AGE: envDurationMs().default(604_800_000),
  // Requests per client per minute, counted in Redis across instances.
  RATE_LIMIT_PER_MINUTE: envInteger({ min: 1, max: 1_000_000 }).default(600),
  // Gateway-initiated payments: how long an intent may wait for its debit (and OTP), how long past
  // that before an unresolved one goes to reconciliation (docs/design.md: expiry plus a grace period),
  // and how often the sweeper looks.
  INTENT_TTL: envDurationMs().default(900_000),
  INTENT_RECONCILIATION_GRACE: envDurationMs().default(600_000),
  INTENT_SWEEP_INTERVAL: envDurationMs().default(15_000),
  // A channel state the bank adapter has not reported again for this long is unknown, and the channel
  // is tried: three of the adapter's CHANNEL_HEALTH_INTERVAL (30 s), so one lost report is no outage
  // and an adapter gone with a breaker open blocks nobody for long.
  CHANNEL_HEALTH_STALE_AFTER: envDurationMs().default(90_000),
  // Complaints: the turnaround of each type (a complaint not resolved by its due time is escalated).
  // A day where the gateway can check it itself, longer where a bank or wallet has to answer.
  COMPLAINT_TURNAROUND_PAID_NOT_SETTLED: envDurationMs().default(86_400_000),
  COMPLAINT_TURNAROUND_DOUBLE_DEBIT: envDurationMs().default(3 * 86_400_000),
  COMPLAINT_TURNAROUND_WRONG_AMOUNT: envDurationMs().default(3 * 86_400_000),
  COMPLAINT_TURNAROUND_REFUND_NOT_RECEIVED: envDurationMs().default(5 * 86_400_000),
  COMPLAINT_TURNAROUND_NO_SMS: envDurationMs().default(86_400_000),
  // How often the turnaround clock looks for open complaints past their due time.
  COMPLAINT_ESCALATION_INTERVAL: envDurationMs().default(60_000),
  // The turnaround engine for stuck payments (jobs/turnaround.sweeper.ts): a debit or a refund with no
  // final outcome TURNAROUND_DEFAULT after it started (a channel's turnaroundMs in channels.json
  // overrides it) is asked about again, up to TURNAROUND_MAX_INQUIRIES times TURNAROUND_INQUIRY_SPACING
  // apart, then flagged for reconciliation (turnaround_exceeded). The default lies past the intent's
  // expiry plus grace (25 min), so the expiry's own inquiry comes first.
  TURNAROUND_DEFAULT: envDurationMs().default(3_600_000),
  TURNAROUND_INQUIRY_SPACING: envDurationMs().default(900_000),
  TURNAROUND_MAX_INQUIRIES: envInteger({ min: 0, max: 20 }).default(3),
  TURNAROUND_INTERVAL: envDurationMs().default(60_000),
  // Reconciliation: the bank adapter serves the settlement files it announces; this service reads them
  // as its own operator client in CLIENTS_FILE (its first key signs the request).
  BANK_ADAPTER_URL: envUrl(['http:', 'https:']).default('http://127.0.0.1:3003'),
  RECONCILIATION_CLIENT_ID: envString().default('payment-orchestration'),
  SETTLEMENT_FILE_TIMEOUT: envDurationMs().default(10_000),
  // A channel's day with no settlement file matched by this local time (HH:MM) on the next day raises
  // the missing-file alert (reconciliation.file-missing, payments_settlement_files_overdue). After the
  // bank adapter's daily fetch (its SETTLEMENT_FETCH_AT, 00:30) and its retries every 10 minutes.
  SETTLEMENT_FILE_DEADLINE: envString()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time as HH:MM (00:00–23:59)')
    .default('06:00'),
  // How often the deadline is checked, and how many past days each check looks at (a day missed
  // while the service was down still alerts, once).
  SETTLEMENT_FILE_CHECK_INTERVAL: envDurationMs().default(300_000),
  SETTLEMENT_FILE_ALERT_DAYS: envInteger({ min: 1, max: 31 }).default(3),
  // Complaints' automatic first checks after filing (double_debit, wrong_amount, refund_not_received,
  // no_sms): the channel's word through the bank adapter (BANK_ADAPTER_URL) and the SMS delivery
  // receipts from notification, both signed as the RECONCILIATION_CLIENT_ID operator client; each
  // request's timeout, and how far around the complaint's debit the customer's other debits are looked for.
  NOTIFICATION_URL: envUrl(['http:', 'https:']).default('http://127.0.0.1:3004'),
  COMPLAINT_CHECK_TIMEOUT: envDurationMs().default(10_000),
  COMPLAINT_CHECK_WINDOW: envDurationMs().default(2 * 86_400_000),
  // Consumed topics and groups; overridable so a test or a replay can use its own.
  BILLS_TOPIC: envString().default('billing.bills'),
  BILL_READ_MODEL_GROUP_ID: envString().default('payments.bill-read-model'),
  CHANNEL_RESULTS_TOPIC: envString().default('channels.results'),
  CHANNEL_HEALTH_GROUP_ID: envString().default('payments.channel-health'),
  CHANNEL_RESULTS_GROUP_ID: envString().default('payments.channel-results'),
  RECONCILIATION_GROUP_ID: envString().default('payments.reconciliation'),
  COMPLAINTS_TOPIC: envString().default('payments.complaints'),
  COMPLAINT_CHECK_GROUP_ID: envString().default('payments.complaint-checks'),
  // The dead-letter ledger's own group (it reads the .dlq twins of the consumed topics; kit dead-letters).
  DEAD_LETTER_GROUP_ID: envString().default('payments.dead-letters'),
});

type Parsed = z.infer<typeof configSchema>;

export type Catalogues = { billers: BillerCatalogue; channels: ChannelCatalogue; fees: FeeSchedule };

export function readCatalogues(config: Pick<Parsed, 'BILLERS_FILE' | 'CHANNELS_FILE' | 'FEES_FILE'>): Catalogues {
  return {
    billers: readJsonFile('BILLERS_FILE', config.BILLERS_FILE, billerCatalogueSchema),
    channels: readJsonFile('CHANNELS_FILE', config.CHANNELS_FILE, channelCatalogueSchema),
    fees: readJsonFile('FEES_FILE', config.FEES_FILE, feeScheduleSchema),
  };
}

export function readConfig(env: Env = process.env) {
  const config = loadConfig(configSchema, env);
  return { ...config, catalogues: readCatalogues(config) };
}
export type PaymentOrchestrationConfig = ReturnType<typeof readConfig>;
