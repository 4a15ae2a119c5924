// How an account is shown on GET /v1/accounts/{accountNo}.
import type { accountResponseSchema } from '@gateway/contracts';
import type { z } from 'zod';
import type { AccountRecord } from '../domain/bill-records.ts';

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
