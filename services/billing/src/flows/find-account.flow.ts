// Finding an account by the number a caller typed: the account routes' one lookup.
import type { Queryable } from '@gateway/kit';
import type { AccountRecord } from '../domain/bill-records.ts';
import { parseLandline } from '../domain/landline.ts';
import { findAccount } from '../store/pg-account-store.ts';

/** The account, or null. `011 234 5678` and `+963112345678` find `0112345678`. */
export async function findAccountByNumber(db: Queryable, accountNo: string): Promise<AccountRecord | null> {
  const landline = parseLandline(accountNo);
  const account = await findAccount(db, landline.ok ? landline.value.accountNo : accountNo.trim());
  return account ?? null;
}
