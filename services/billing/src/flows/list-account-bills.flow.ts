// An account's bills, each with its status and amounts as of now (late fees included), newest
// period first, optionally narrowed to one status.
import type { BillSnapshot, BillStatus } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';
import type { AccountRecord, BillRecord } from '../domain/bill-records.ts';
import { toBillSnapshot } from '../domain/bill-snapshot.ts';
import type { LateFeePolicy } from '../domain/late-fee-policy.ts';
import { findAccountBills } from '../store/pg-bill-store.ts';
import { findAccountByNumber } from './find-account.flow.ts';

export type AccountBillsResult =
  | { kind: 'account_not_found' }
  | { kind: 'found'; account: AccountRecord; bills: { bill: BillRecord; snapshot: BillSnapshot }[] };

export async function listAccountBills(
  deps: { db: Queryable; policy: LateFeePolicy; now: () => Date },
  input: { accountNo: string; status?: BillStatus | undefined },
): Promise<AccountBillsResult> {
  const account = await findAccountByNumber(deps.db, input.accountNo);
  if (account === null) return { kind: 'account_not_found' };
  const at = deps.now();
  const bills = (await findAccountBills(deps.db, account.accountNo))
    .map((bill) => ({ bill, snapshot: toBillSnapshot(bill, account, deps.policy, at) }))
    // The status is derived as of now (a bill turns overdue without a write), so filter after.
    .filter(({ snapshot }) => input.status === undefined || snapshot.status === input.status);
  return { kind: 'found', account, bills };
}
