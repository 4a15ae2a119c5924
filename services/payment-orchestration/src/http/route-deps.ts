// What every route of this service is built from; main.ts (through app.ts) or a test passes it in.
import type { Logger } from '@gateway/kit';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import type { PaymentOrchestrationConfig } from '../config.ts';

export type RouteDeps = {
  pool: Pool;
  redis: Redis;
  logger: Logger;
  /** The parsed configuration, with the billers, channels and fee catalogues loaded. */
  config: PaymentOrchestrationConfig;
  /** The instant "now" (inquiry expiry, business date, cut-off); the real clock unless a test moves it. */
  now?: () => Date;
};
