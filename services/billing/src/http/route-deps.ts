// What billing's routes are built from; main.ts (through app.ts) or a test passes it in.
import type { CurrencyCode } from '@gateway/contracts';
import type { Logger } from '@gateway/kit';
import type { Pool } from 'pg';
import type { ImportLimits } from '../domain/bill-import.ts';
import type { FeeSchedules } from '../domain/fee-schedule.ts';
import type { LateFeePolicy } from '../domain/late-fee-policy.ts';

export type RouteDeps = {
  pool: Pool;
  logger: Logger;
  policy: LateFeePolicy;
  /** The biller's currency: bills in any other are rejected at import, and empty statements are in it. */
  currency?: CurrencyCode | undefined;
  /** Lines and bytes per imported bill (BILL_MAX_LINES, BILL_MAX_BYTES); the defaults when not given. */
  importLimits?: ImportLimits | undefined;
  /** The government fee billers' schedules (FEE_SCHEDULES_FILE); none when not given (no fee biller known). */
  feeSchedules?: FeeSchedules | undefined;
  /** The instant "now" for amounts due and fee orders; the real clock unless a test moves it. */
  now?: () => Date;
};
