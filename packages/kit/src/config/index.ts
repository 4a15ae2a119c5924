export { ConfigError } from './config-error.ts';
export { readJsonFile } from './json-file.ts';
export { commonConfigSchema, envFilePath, loadConfig, repoRoot } from './load-config.ts';
export type { CommonConfig, Env } from './load-config.ts';
export {
  envBoolean,
  envBrokerList,
  envCsv,
  envDurationMs,
  envInteger,
  envKafkaSaslMechanism,
  envLogLevel,
  envPort,
  envString,
  envUrl,
} from './env-fields.ts';
export type { KafkaSaslMechanism, LogLevel } from './env-fields.ts';
