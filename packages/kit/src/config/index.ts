export { ConfigError, isConfigError } from './config-error.ts';
export { commonConfigSchema, envFilePath, loadConfig, repoRoot } from './load-config.ts';
export type { CommonConfig, Env } from './load-config.ts';
export {
  envBoolean,
  envBrokerList,
  envCsv,
  envDurationMs,
  envInteger,
  envLogLevel,
  envPort,
  envString,
  envUrl,
} from './env-fields.ts';
export type { LogLevel } from './env-fields.ts';
