// What every route of this service is built from; main.ts (through app.ts) or a test passes it in.
import type { Logger } from '@gateway/kit';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import type { PaymentOrchestrationConfig } from '../config.ts';
import type { OtpForwarder } from '../events/otp-forwarder.producer.ts';
import type { IntentTopics } from '../flows/intent-change.ts';

export type RouteDeps = {
  pool: Pool;
  redis: Redis;
  logger: Logger;
  /** The parsed configuration, with the billers, channels and fee catalogues loaded. */
  config: PaymentOrchestrationConfig;
  /** The instant "now" (inquiry expiry, business date, cut-off); the real clock unless a test moves it. */
  now?: () => Date;
  /** Sends the OTP to the adapter without writing it anywhere (see events/otp-forwarder.producer.ts). */
  otpForwarder: OtpForwarder;
  /** How long the payer has to complete an intent (confirm the OTP); the channel is told too. */
  intentTtlMs?: number | undefined;
  /** Topics for intent events and channel commands; the catalogue's unless a test says otherwise. */
  topics?: IntentTopics | undefined;
};
