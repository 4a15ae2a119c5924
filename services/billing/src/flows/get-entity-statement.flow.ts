// A public entity's consolidated statement over all its lines, for the bills whose billing period
// starts in the month (domain/entity-statement.ts adds it up).
import type { BillSnapshot, CurrencyCode } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';
import type { BillRecord } from '../domain/bill-records.ts';
import { buildEntityStatement, monthRange, statementCurrency } from '../domain/entity-statement.ts';
import type { EntityStatement } from '../domain/entity-statement.ts';
import type { LateFeePolicy } from '../domain/late-fee-policy.ts';
import { findEntity, findEntityAccounts } from '../store/pg-account-store.ts';
import { findBillsStartingIn } from '../store/pg-bill-store.ts';

// Only names the zero of a statement that has no bill at all when no biller currency is configured.
const fallbackCurrency: CurrencyCode = 'SYP';

export type EntityStatementResult<B> =
  | { kind: 'entity_not_found' }
  /** The month's bills are in more than one currency: a statement adds them up in one. */
  | { kind: 'refused'; code: 'currency_mismatch'; currencies: CurrencyCode[] }
  | { kind: 'statement'; name: string; statement: EntityStatement<B> };

export async function getEntityStatement<B>(
  deps: { db: Queryable; policy: LateFeePolicy; currency?: CurrencyCode | undefined; now: () => Date },
  input: { entityId: string; period: string },
  /** How each bill is shown (the caller's answer format). */
  view: (bill: BillRecord, snapshot: BillSnapshot) => B,
): Promise<EntityStatementResult<B>> {
  const entity = await findEntity(deps.db, input.entityId);
  if (entity === undefined) return { kind: 'entity_not_found' };
  const accounts = await findEntityAccounts(deps.db, input.entityId);
  const { from, to } = monthRange(input.period);
  const bills = await findBillsStartingIn(
    deps.db,
    accounts.map((a) => a.accountNo),
    from,
    to,
  );
  const chosen = statementCurrency(bills, deps.currency ?? fallbackCurrency);
  if (!chosen.ok) return { kind: 'refused', code: 'currency_mismatch', currencies: chosen.currencies };
  const statement = buildEntityStatement(accounts, bills, deps.policy, deps.now(), chosen.currency, view);
  return { kind: 'statement', name: entity.name, statement };
}
