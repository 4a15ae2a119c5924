// Imports a billing cycle exported by the telecom's billing system as CSV, through the same import
// code as POST /v1/bill-batches (validation, accounts, bills, bill.issued events, idempotency by
// batch id and by externalBillId). The file is streamed: a cycle of any size is read row by row.
// No Idempotency-Key: that is the HTTP rule for clients retrying a request; here the batch id is the
// whole identity of a run, and a rerun of it changes nothing.
//
//   node services/billing/scripts/import-csv.ts <file.csv> --batch-id <id> [--chunk 1000]
//        [--database-url postgres://…] [--policy services/billing/config/late-fee-policy.json]
//
// The database is the billing service's own (DATABASE_URL, or --database-url), already migrated by
// the service. The late-fee policy is the service's file, so the events carry the same payment
// constraints the service would give them.
//
// CSV columns (a header row names them; order is free; UTF-8, optional BOM, comma-separated):
//   externalBillId   the billing system's bill id (required)
//   accountNo        the billing number, a Syrian landline: 0112345678, 011 234 5678 or +963112345678
//   periodFrom       YYYY-MM-DD, first day billed
//   periodTo         YYYY-MM-DD, last day billed
//   issueDate        YYYY-MM-DD
//   dueDate          YYYY-MM-DD, not before issueDate
//   amount           integer minor units (12345 = 123.45 SYP); a decimal point is refused, never rounded
//   currency         ISO 4217, e.g. SYP
//   holderName       } holder data, only needed for an account billing does not know yet;
//   holderClass      }   class is individual, business or public_entity,
//   holderMsisdn     }   msisdn the contact mobile (0944123456 or +963944123456)
//   entityId         optional: the public entity a public_entity line belongs to
//   locale           optional: ar (default) or en, the language of the holder's SMS
//   billerId         optional: defaults to the account's biller
//   lines            optional: the line items as a JSON array of { code, description, amount: { amount, currency } }
//
// Prints the accepted and rejected counts and one line per rejected row (with its CSV line number).
// Exit status: 0 when the batch was imported (even with rejected rows) or had been already, 1 on an
// error (nothing after the last committed chunk is kept; run the same command again to finish it),
// 3 when another import of the same batch id is still running.
import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { createPool } from '@gateway/kit';
import { parse } from 'csv-parse';
import { defaultLateFeePolicyFile, readLateFeePolicyFile } from '../src/config.ts';
import { defaultChunkSize, importBillBatch } from '../src/flows/import-bill-batch.flow.ts';

export type CsvRecord = Record<string, string | undefined>;

function text(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

// Whole numbers become numbers; anything else is passed on as it is, so the row's validation names
// the problem ("must be an integer number of minor units") instead of this script guessing.
function minorUnits(value: string | undefined): unknown {
  const v = text(value);
  return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : v;
}

function jsonOrText(value: string | undefined): unknown {
  const v = text(value);
  if (v === undefined) return undefined;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** One CSV record as a row of a bill batch (the shape POST /v1/bill-batches takes). */
export function csvRecordToRow(record: CsvRecord): Record<string, unknown> {
  const row: Record<string, unknown> = {
    externalBillId: text(record['externalBillId']),
    accountNo: text(record['accountNo']),
    period: { from: text(record['periodFrom']), to: text(record['periodTo']) },
    issueDate: text(record['issueDate']),
    dueDate: text(record['dueDate']),
    amount: { amount: minorUnits(record['amount']), currency: text(record['currency']) },
  };
  const lines = jsonOrText(record['lines']);
  if (lines !== undefined) row['lines'] = lines;
  const billerId = text(record['billerId']);
  if (billerId !== undefined) row['billerId'] = billerId;
  const holder = { name: text(record['holderName']), class: text(record['holderClass']), msisdn: text(record['holderMsisdn']) };
  if (holder.name !== undefined || holder.class !== undefined || holder.msisdn !== undefined) {
    const entityId = text(record['entityId']);
    const locale = text(record['locale']);
    row['holder'] = { ...holder, ...(entityId !== undefined ? { entityId } : {}), ...(locale !== undefined ? { locale } : {}) };
  }
  return row;
}

async function* csvRows(file: string): AsyncGenerator<Record<string, unknown>> {
  const parser = createReadStream(file).pipe(parse({ columns: true, bom: true, skip_empty_lines: true, relax_column_count: true }));
  for await (const record of parser) yield csvRecordToRow(record as CsvRecord);
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'batch-id': { type: 'string' },
      chunk: { type: 'string', default: String(defaultChunkSize) },
      'database-url': { type: 'string' },
      policy: { type: 'string', default: defaultLateFeePolicyFile },
    },
  });
  const file = positionals[0];
  const batchId = values['batch-id'];
  const chunkSize = Number(values.chunk);
  const databaseUrl = values['database-url'] ?? process.env['DATABASE_URL'];
  if (file === undefined || batchId === undefined || !Number.isSafeInteger(chunkSize) || chunkSize < 1) {
    console.error('usage: import-csv.ts <file.csv> --batch-id <id> [--chunk 1000] [--database-url <url>] [--policy <file>]');
    return 1;
  }
  if (databaseUrl === undefined) {
    console.error('import-csv: set DATABASE_URL or pass --database-url (the billing database)');
    return 1;
  }
  const policy = readLateFeePolicyFile(values.policy);
  const pool = createPool({ connectionString: databaseUrl, max: 2, applicationName: 'billing-import-csv', statementTimeoutMs: 120_000 });
  try {
    const result = await importBillBatch(
      { pool, policy },
      {
        batchId,
        rows: csvRows(file),
        correlationId: `import-csv:${batchId}`,
        chunkSize,
        // Counts and rejections only: a million accepted ids are not worth holding to print a number.
        collectAccepted: false,
        onChunk: (p) => process.stderr.write(`\r${p.rows} rows read, ${p.accepted} accepted, ${p.rejected} rejected`),
      },
    );
    process.stderr.write('\n');
    if (result.kind === 'in_progress') {
      console.error(`batch ${batchId} is being imported by another run; try again when it has finished`);
      return 3;
    }
    const { response } = result;
    console.log(`batch ${batchId}${response.replayed ? ' (imported before; nothing changed)' : ''}: accepted ${response.acceptedCount}, rejected ${response.rejectedCount}`);
    // Line numbers count the header as line 1 and assume one line per record (no quoted newlines).
    for (const r of response.rejected) console.log(`  line ${r.index + 2}${r.externalBillId ? ` (${r.externalBillId})` : ''}: ${r.reason}`);
    return 0;
  } finally {
    await pool.end();
  }
}

if (import.meta.main) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`import-csv failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
