// The only place in this service that reads the environment (see kit's loadConfig for the rules), and
// the one that reads the channel registry file it names, so a bad file stops the start with one line
// naming it.
import path from 'node:path';
import { commonConfigSchema, envBoolean, envDurationMs, envFilePath, envInteger, envPort, envString, loadConfig, readJsonFile, repoRoot } from '@gateway/kit';
import type { Env } from '@gateway/kit';
import { channelRegistrySchema } from './domain/channel-registry.ts';
import type { ChannelRegistry } from './domain/channel-registry.ts';

export const configSchema = commonConfigSchema.extend({
  HTTP_PORT: envPort().default(3003),
  CHANNELS_FILE: envFilePath().default(path.join(repoRoot, 'services/bank-adapter/config/channels.json')),
  // Consumed and published topics and the consumer group; overridable so a test or a replay can use its own.
  COMMANDS_TOPIC: envString().default('channels.commands'),
  COMMANDS_GROUP_ID: envString().default('bank-adapter.channel-commands'),
  // The dead-letter ledger's own group (it reads the .dlq twins of the consumed topics; kit dead-letters).
  DEAD_LETTER_GROUP_ID: envString().default('bank-adapter.dead-letters'),
  RESULTS_TOPIC: envString().default('channels.results'),
  // Partitions of channels.commands handled at once by one replica (each waits on its channel call).
  COMMANDS_CONCURRENCY: envInteger({ min: 1, max: 64 }).default(3),
  // How often the poller looks for due status inquiries; an inquiry is late by at most this much.
  STATUS_POLL_INTERVAL: envDurationMs().default(500),
  // How often a replica re-reads the operators' channel switches from Redis.
  SWITCH_SYNC_INTERVAL: envDurationMs().default(1_000),
  // How often every channel's state is reported (channel.health-reported; also once at start).
  // Orchestration treats a state not reported for three intervals as unknown (its
  // CHANNEL_HEALTH_STALE_AFTER, 90 s by default, must stay about three of these).
  CHANNEL_HEALTH_INTERVAL: envDurationMs().default(30_000),
  // The daily settlement fetch (previous business date, every channel). Off for a replica that should
  // only serve commands; the store keeps replicas that all run it from storing a file twice.
  SETTLEMENT_FETCH_ENABLED: envBoolean().default(true),
  // Local time in Asia/Damascus; after midnight so the channel has closed and written the day.
  SETTLEMENT_FETCH_AT: envString()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time as HH:MM (00:00–23:59)')
    .default('00:30'),
  // After a run in which a channel failed, the missing statements are asked for again this much later.
  SETTLEMENT_FETCH_RETRY_INTERVAL: envDurationMs().default(600_000),
  // Each run also fetches the statements of this many earlier days that are still missing.
  SETTLEMENT_FETCH_CATCHUP_DAYS: envInteger({ min: 0, max: 31 }).default(3),
});

/** The channel registry (CHANNELS_FILE), validated; every problem is named with its variable and file. */
export function readChannelRegistry(file: string): ChannelRegistry {
  return readJsonFile('CHANNELS_FILE', file, channelRegistrySchema);
}

export function readConfig(env: Env = process.env) {
  const config = loadConfig(configSchema, env);
  return { ...config, channels: readChannelRegistry(config.CHANNELS_FILE) };
}
export type BankAdapterConfig = ReturnType<typeof readConfig>;
