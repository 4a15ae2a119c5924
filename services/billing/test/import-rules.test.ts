import { describe, expect, it } from '@jest/globals';
import { money } from '@gateway/contracts';
import { checkBillRow, classifyDuplicate, planAccount } from '../src/domain/bill-import.ts';
import type { StoredBillKey, ValidBillRow } from '../src/domain/bill-import.ts';

const good = {
  externalBillId: 'e-1',
  accountNo: '011 234 5678',
  period: { from: '2026-01-01', to: '2026-01-31' },
  issueDate: '2026-02-01',
  dueDate: '2026-02-28',
  amount: { amount: 120_000, currency: 'SYP' },
  holder: { name: 'Rami', class: 'individual', msisdn: '0944123456' },
};

function valid(raw: unknown = good, index = 0): ValidBillRow {
  const checked = checkBillRow(raw, index);
  if (!checked.ok) throw new Error(checked.rejection.reason);
  return checked.row;
}

describe('checkBillRow', () => {
  it('normalises the billing number and the holder mobile, and derives the governorate', () => {
    expect(valid()).toEqual({
      index: 0,
      externalBillId: 'e-1',
      accountNo: '0112345678',
      governorate: 'damascus',
      billerId: null,
      periodFrom: '2026-01-01',
      periodTo: '2026-01-31',
      issueDate: '2026-02-01',
      dueDate: '2026-02-28',
      amount: { amount: 120_000, currency: 'SYP' },
      lines: [],
      holder: { name: 'Rami', holderClass: 'individual', msisdn: '+963944123456', entityId: null, locale: 'ar' },
    });
  });

  it('accepts a due date equal to the issue date and a zero amount', () => {
    expect(checkBillRow({ ...good, dueDate: '2026-02-01', amount: { amount: 0, currency: 'SYP' } }, 0).ok).toBe(true);
  });

  it('reports every field problem of a row at once', () => {
    const checked = checkBillRow({ ...good, externalBillId: undefined, issueDate: 'tomorrow', amount: { amount: '5', currency: 'SYP' } }, 7);
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(checked.rejection).toMatchObject({ index: 7, externalBillId: null });
      expect(checked.rejection.fields).toEqual(['externalBillId', 'issueDate', 'amount.amount']);
    }
  });

  it('refuses line items in another currency than the bill', () => {
    const checked = checkBillRow({ ...good, lines: [{ code: 'X', description: 'Y', amount: { amount: 120_000, currency: 'USD' } }] }, 0);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.rejection.reason).toContain("bill's currency SYP");
  });
});

describe('planAccount', () => {
  it('creates an unknown account only from holder data', () => {
    expect(planAccount(valid(), undefined)).toMatchObject({ kind: 'create', holder: { holderClass: 'individual' } });
    expect(planAccount(valid({ ...good, holder: undefined }), undefined)).toMatchObject({ kind: 'refuse' });
  });
});

describe('classifyDuplicate', () => {
  const row = valid(good, 4);
  const stored = (overrides: Partial<StoredBillKey> = {}): StoredBillKey => ({
    billId: 'bil_1',
    accountNo: row.accountNo,
    batchId: 'b-1',
    batchRow: 4,
    periodFrom: row.periodFrom,
    periodTo: row.periodTo,
    issueDate: row.issueDate,
    dueDate: row.dueDate,
    amount: row.amount,
    ...overrides,
  });

  it('recognises the same row of the same batch stored by an earlier run', () => {
    expect(classifyDuplicate(stored(), row, 'b-1')).toEqual({ kind: 'resumed', billId: 'bil_1' });
  });
  it('rejects a second row of one batch with a known externalBillId', () => {
    expect(classifyDuplicate(stored({ batchRow: 1 }), row, 'b-1')).toMatchObject({ kind: 'rejected', reason: expect.stringContaining('first at index 1') });
  });
  it('accepts the same bill from another batch with its original id', () => {
    expect(classifyDuplicate(stored(), row, 'b-2')).toEqual({ kind: 'accepted_earlier', billId: 'bil_1' });
  });
  it('rejects a different bill under a known externalBillId', () => {
    expect(classifyDuplicate(stored({ amount: money(1, 'SYP') }), row, 'b-2')).toMatchObject({ kind: 'rejected', reason: expect.stringContaining('with different data') });
    expect(classifyDuplicate(stored({ dueDate: '2026-03-01' }), row, 'b-1')).toMatchObject({ kind: 'rejected' });
  });
});
