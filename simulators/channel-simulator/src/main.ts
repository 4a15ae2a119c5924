// Composition root: ONE process serving every configured channel, each on its own port (docs/api.md:
// bank-alpha :4001, wallet-one :4002, wallet-two :4003). SIGTERM closes them all and exits 0.
import { configOrExit, createLogger, listenHttp, runService } from '@gateway/kit';
import { buildSimulatorApp, serviceName } from './app.ts';
import { readChannelsFile, readConfig } from './config.ts';
import { createChannelState } from './store/channel-state.ts';

// Long enough for answers held by latencyMs; held (dropped) replies are cut at close.
const SHUTDOWN_TIMEOUT_MS = 10_000;

const { config, channels } = configOrExit(serviceName, () => {
  const config = readConfig();
  return { config, channels: readChannelsFile(config.CHANNELS_FILE) };
});

const logger = createLogger({ service: serviceName, level: config.LOG_LEVEL });

await runService({
  service: serviceName,
  logger,
  shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS,
  async start(shutdown) {
    for (const channel of channels) {
      const channelLogger = logger.child({ channelId: channel.channelId });
      const app = buildSimulatorApp(channel, createChannelState(channel), { logger: channelLogger });
      const url = await listenHttp(app, { host: config.SIMULATOR_HOST, port: channel.port }, shutdown);
      channelLogger.info({ url, kind: channel.kind, dedupesByReference: channel.dedupesByReference }, `${channel.channelId} listening`);
    }
  },
});
