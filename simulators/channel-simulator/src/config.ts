// The only place in the simulator that reads the environment (see kit's loadConfig for the rules),
// and the reader of the channels file, whose problems are configuration errors too: one line, exit 1.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, envFilePath, envLogLevel, envString, loadConfig, repoRoot } from '@gateway/kit';
import type { Env } from '@gateway/kit';
import { z } from 'zod';
import { channelsFileSchema } from './domain/channel.ts';
import type { Channel } from './domain/channel.ts';
import { parsePayer } from './domain/payer.ts';

export const configSchema = z.object({
  SIMULATOR_HOST: envString().default('127.0.0.1'),
  CHANNELS_FILE: envFilePath().default(path.join(repoRoot, 'simulators/channel-simulator/config/channels.json')),
  LOG_LEVEL: envLogLevel().default('info'),
});
export type SimulatorConfig = z.output<typeof configSchema>;

export function readConfig(env: Env = process.env): SimulatorConfig {
  return loadConfig(configSchema, env);
}

export function readChannelsFile(file: string): Channel[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError([`CHANNELS_FILE ${file} cannot be read as JSON (${error instanceof Error ? error.message : String(error)})`]);
  }
  const parsed = channelsFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${['CHANNELS_FILE', ...issue.path.map(String)].join('.')} ${issue.message}`);
    throw new ConfigError(problems);
  }
  // A configured payer that no request could ever name is a typo in the file: say so at start.
  const problems = parsed.data.channels.flatMap((channel, index) =>
    channel.accounts.flatMap((account, a) => {
      const payer = parsePayer(channel.kind, channel.kind === 'wallet' ? { msisdn: account.payer } : { accountNo: account.payer });
      return payer.ok ? [] : [`CHANNELS_FILE.channels.${index}.accounts.${a}.payer is not a well-formed ${channel.kind} payer`];
    }),
  );
  if (problems.length > 0) throw new ConfigError(problems);
  return parsed.data.channels.map((channel) => ({
    ...channel,
    displayName: channel.displayName ?? channel.channelId,
  }));
}
