export { createLogger } from './create-logger.ts';
export type { CreateLoggerOptions, Logger } from './create-logger.ts';
export { maskAccountNumber, maskMsisdn, redactDeep, redactUrl, REDACTED } from './redaction.ts';
