// Accounts and public entities in Postgres. Reads map rows to the domain's AccountRecord; the
// import's writes are set-based (one statement per chunk), because a cycle brings tens of thousands
// of accounts at once.
import type { HolderClass } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';
import type { PoolClient } from 'pg';
import type { ImportedHolder } from '../domain/bill-import.ts';
import type { AccountRecord } from '../domain/bill-records.ts';

export const accountColumns =
  'account_no, holder_name, holder_class, msisdn, locale, entity_id, governorate, biller_id, created_at, updated_at';

export type AccountRow = {
  account_no: string;
  holder_name: string | null;
  holder_class: HolderClass;
  msisdn: string | null;
  locale: string;
  entity_id: string | null;
  governorate: string | null;
  biller_id: string;
  created_at: Date;
  updated_at: Date;
};

export function accountFromRow(row: AccountRow): AccountRecord {
  return {
    accountNo: row.account_no,
    holderName: row.holder_name,
    holderClass: row.holder_class,
    msisdn: row.msisdn,
    // The column has no CHECK; anything but English falls back to the product's default, Arabic.
    locale: row.locale === 'en' ? 'en' : 'ar',
    entityId: row.entity_id,
    governorate: row.governorate,
    billerId: row.biller_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function findAccount(db: Queryable, accountNo: string): Promise<AccountRecord | undefined> {
  const { rows } = await db.query<AccountRow>(`SELECT ${accountColumns} FROM accounts WHERE account_no = $1`, [accountNo]);
  return rows[0] === undefined ? undefined : accountFromRow(rows[0]);
}

export async function findAccounts(db: Queryable, accountNos: readonly string[]): Promise<Map<string, AccountRecord>> {
  const found = new Map<string, AccountRecord>();
  if (accountNos.length === 0) return found;
  const { rows } = await db.query<AccountRow>(`SELECT ${accountColumns} FROM accounts WHERE account_no = ANY($1::text[])`, [accountNos]);
  for (const row of rows) found.set(row.account_no, accountFromRow(row));
  return found;
}

export type NewAccount = { accountNo: string; governorate: string | null; billerId: string | null; holder: ImportedHolder };

/**
 * Creates the accounts (and the entities they name) that do not exist yet; existing ones are left
 * untouched. An entity is named after the first holder that mentions it, because the batch format
 * carries no separate entity name.
 */
export async function createAccounts(client: PoolClient, accounts: readonly NewAccount[]): Promise<void> {
  if (accounts.length === 0) return;
  const entities = new Map<string, string>();
  for (const a of accounts) {
    if (a.holder.entityId !== null && !entities.has(a.holder.entityId)) entities.set(a.holder.entityId, a.holder.name);
  }
  if (entities.size > 0) {
    await client.query(
      `INSERT INTO entities (entity_id, name)
       SELECT * FROM unnest($1::text[], $2::text[])
       ON CONFLICT (entity_id) DO NOTHING`,
      [[...entities.keys()], [...entities.values()]],
    );
  }
  await client.query(
    `INSERT INTO accounts (account_no, holder_name, holder_class, msisdn, locale, entity_id, governorate, biller_id)
     SELECT a.account_no, a.holder_name, a.holder_class, a.msisdn, a.locale, a.entity_id, a.governorate, coalesce(a.biller_id, 'telecom')
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
       AS a(account_no, holder_name, holder_class, msisdn, locale, entity_id, governorate, biller_id)
     ON CONFLICT (account_no) DO NOTHING`,
    [
      accounts.map((a) => a.accountNo),
      accounts.map((a) => a.holder.name),
      accounts.map((a) => a.holder.holderClass),
      accounts.map((a) => a.holder.msisdn),
      accounts.map((a) => a.holder.locale),
      accounts.map((a) => a.holder.entityId),
      accounts.map((a) => a.governorate),
      accounts.map((a) => a.billerId),
    ],
  );
}

export type EntityRecord = { entityId: string; name: string; createdAt: Date };

export async function findEntity(db: Queryable, entityId: string): Promise<EntityRecord | undefined> {
  const { rows } = await db.query<{ entity_id: string; name: string; created_at: Date }>(
    'SELECT entity_id, name, created_at FROM entities WHERE entity_id = $1',
    [entityId],
  );
  const row = rows[0];
  return row === undefined ? undefined : { entityId: row.entity_id, name: row.name, createdAt: row.created_at };
}

/** Every line (account) of a public entity, in account-number order. */
export async function findEntityAccounts(db: Queryable, entityId: string): Promise<AccountRecord[]> {
  const { rows } = await db.query<AccountRow>(`SELECT ${accountColumns} FROM accounts WHERE entity_id = $1 ORDER BY account_no`, [entityId]);
  return rows.map(accountFromRow);
}
