import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import { csvRecordToRow } from '../scripts/import-csv.ts';
import { migrationsDir } from './support/import-harness.ts';

const script = new URL('../scripts/import-csv.ts', import.meta.url).pathname;
const run = promisify(execFile);

const header = 'externalBillId,accountNo,periodFrom,periodTo,issueDate,dueDate,amount,currency,holderName,holderClass,holderMsisdn,entityId,locale,lines';

function csvLine(i: number, overrides: Partial<Record<string, string>> = {}): string {
  const fields: Record<string, string> = {
    externalBillId: `csv-${i}`,
    accountNo: `0114${String(i).padStart(6, '0')}`,
    periodFrom: '2026-01-01',
    periodTo: '2026-01-31',
    issueDate: '2026-02-01',
    dueDate: '2026-02-28',
    amount: String(100_000 + i),
    currency: 'SYP',
    holderName: `"Haddad, Rami ${i}"`,
    holderClass: 'individual',
    holderMsisdn: '0944123456',
    entityId: '',
    locale: '',
    lines: '',
    ...overrides,
  };
  return header.split(',').map((column) => fields[column]).join(',');
}

describe('import-csv', () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase({ migrationsDir });
    dir = await mkdtemp(path.join(tmpdir(), 'billing-csv-'));
  });
  afterAll(async () => {
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  async function importCsv(file: string, batchId: string) {
    try {
      const { stdout } = await run(process.execPath, [script, file, '--batch-id', batchId, '--chunk', '10', '--database-url', db.url]);
      return { code: 0, stdout };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout + failed.stderr };
    }
  }

  async function counts() {
    const { rows } = await db.pool.query<{ bills: number; accounts: number; outbox: number }>(
      'SELECT (SELECT count(*) FROM bills)::int AS bills, (SELECT count(*) FROM accounts)::int AS accounts, (SELECT count(*) FROM outbox)::int AS outbox',
    );
    return rows[0];
  }

  it('imports a CSV export through the batch import, and a second run changes nothing', async () => {
    const lines = [header];
    for (let i = 0; i < 25; i++) lines.push(csvLine(i));
    lines.push(csvLine(25, { amount: '1500.50' }));
    lines.push(csvLine(26, { accountNo: '0944000000' }));
    lines.push(
      csvLine(27, {
        holderClass: 'public_entity',
        entityId: 'ent-mof',
        locale: 'en',
        amount: '30000',
        lines: '"[{""code"":""RENT"",""description"":""Line rental"",""amount"":{""amount"":30000,""currency"":""SYP""}}]"',
      }),
    );
    const file = path.join(dir, 'cycle.csv');
    await writeFile(file, `\uFEFF${lines.join('\n')}\n`);

    const first = await importCsv(file, 'csv-cycle-2026-01');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('batch csv-cycle-2026-01: accepted 26, rejected 2');
    expect(first.stdout).toContain('line 27 (csv-25): amount.amount: amount must be an integer number of minor units');
    expect(first.stdout).toContain('line 28 (csv-26):');
    expect(await counts()).toEqual({ bills: 26, accounts: 26, outbox: 26 });
    const { rows } = await db.pool.query('SELECT holder_name, holder_class, entity_id, locale FROM accounts WHERE account_no = $1', ['0114000027']);
    expect(rows).toEqual([{ holder_name: 'Haddad, Rami 27', holder_class: 'public_entity', entity_id: 'ent-mof', locale: 'en' }]);
    const lineItems = await db.pool.query("SELECT lines FROM bills WHERE external_bill_id = 'csv-27'");
    expect(lineItems.rows[0]).toEqual({ lines: [{ code: 'RENT', description: 'Line rental', amount: { amount: 30000, currency: 'SYP' } }] });

    const second = await importCsv(file, 'csv-cycle-2026-01');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('(imported before; nothing changed): accepted 26, rejected 2');
    expect(await counts()).toEqual({ bills: 26, accounts: 26, outbox: 26 });
  }, 60_000);

  it('fails with a usage line without a batch id, and names a missing file', async () => {
    const noBatch = await run(process.execPath, [script, 'x.csv', '--database-url', db.url]).catch((e: { code: number; stderr: string }) => e);
    expect(noBatch).toMatchObject({ code: 1 });
    expect((noBatch as { stderr: string }).stderr).toContain('usage: import-csv.ts');
    const missing = await importCsv(path.join(dir, 'nope.csv'), 'csv-missing');
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('ENOENT');
  });

  it('maps a CSV record to a batch row', () => {
    expect(
      csvRecordToRow({ externalBillId: ' e1 ', accountNo: '0112345678', periodFrom: '2026-01-01', periodTo: '2026-01-31', issueDate: '2026-02-01', dueDate: '2026-02-28', amount: '120000', currency: 'SYP', holderName: '', holderClass: '', holderMsisdn: '' }),
    ).toEqual({
      externalBillId: 'e1',
      accountNo: '0112345678',
      period: { from: '2026-01-01', to: '2026-01-31' },
      issueDate: '2026-02-01',
      dueDate: '2026-02-28',
      amount: { amount: 120000, currency: 'SYP' },
    });
    expect(csvRecordToRow({ amount: '12.5' })['amount']).toEqual({ amount: '12.5', currency: undefined });
  });
});
