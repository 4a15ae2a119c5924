// Finding an account by the number a caller typed, shared by the account routes.
import { ApiError } from '@gateway/contracts';
import type { accountResponseSchema } from '@gateway/contracts';
import type { Pool } from 'pg';
import type { z } from 'zod';
import type { AccountRecord } from '../domain/bill-records.ts';
import { parseLandline } from '../domain/landline.ts';
import { findAccount } from '../store/pg-account-store.ts';

/** The account, or 404 account_not_found. `011 234 5678` and `+963112345678` find `0112345678`. */
export async function loadAccount(pool: Pool, accountNo: string): Promise<AccountRecord> {
  const landline = parseLandline(accountNo);
  const account = await findAccount(pool, landline.ok ? landline.value.accountNo : accountNo.trim());
  // Not echoed in full: logs and error bodies never carry a whole account number (DESIGN.md).
  if (account === undefined) throw new ApiError('account_not_found', 'No account has this number.');
  return account;
}

export function accountView(account: AccountRecord): z.output<typeof accountResponseSchema> {
  return {
    accountNo: account.accountNo,
    billerId: account.billerId,
    holder: {
      name: account.holderName ?? '',
      class: account.holderClass,
      msisdn: account.msisdn,
      entityId: account.entityId,
      locale: account.locale,
    },
    governorate: account.governorate,
    createdAt: account.createdAt.toISOString(),
  };
}
