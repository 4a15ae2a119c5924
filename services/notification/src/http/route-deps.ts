// What every route of this service is built from; main.ts (through app.ts) or a test passes it in.
import type { Logger } from '@gateway/kit';
import type { Pool } from 'pg';

export type RouteDeps = {
  pool: Pool;
  logger: Logger;
  /** The instant "now" (a campaign's default start, the start window, cancel times); the real clock unless a test moves it. */
  now?: (() => Date) | undefined;
};
