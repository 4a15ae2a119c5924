// The one import path for a billing cycle, used by POST /v1/bill-batches and by the CSV command.
//
// Rows arrive as an (async) iterable and are handled in chunks, one transaction per chunk: the
// chunk's new accounts, its bills (one multi-row INSERT … ON CONFLICT DO NOTHING) and a bill.issued
// outbox row per new bill commit together. Only the chunk in hand is held in memory, so a cycle of
// any size streams through.
//
// Idempotency, and what a crash halfway leaves:
//   - The batch is recorded in bill_batches only after its last chunk. A repeat of a recorded batchId
//     is answered from the record and the bills it stored; nothing is written.
//   - A batch that died halfway has committed some chunks and no record. Its retry runs every row
//     again: a row already stored is recognised by (batch_id, batch_row) and counted as accepted with
//     its original billId, without a second bill or a second event; the rest are inserted as new.
//   - A bill whose externalBillId was stored by another batch with the same data is accepted with the
//     original billId and nothing is stored; with different data it is rejected as a conflict.
//   - Two runs of one batchId at once: the second is told the batch is in progress (a session
//     advisory lock), so a client retrying a slow upload gets a retryable answer, not double work.
//
// The HTTP route also passes the request's Idempotency-Key (docs/api.md's common rule); the CSV command
// has none. The key is recorded with the batch and checked before the batchId:
//   - same client, same key, same request: the first answer again, byte for byte (`keyReplay`);
//   - same key, another batchId or another body: refused, idempotency_key_reused (422); only a
//     call with a key can get that answer (see the overloads), so callers without one (the CSV
//     command, the bench) see no new case;
//   - a batchId already imported, under another key or none: the batchId replay as before. The
//     batch is the business identity: the telecom's billing system may lose the key it used (a
//     restarted exporter mints a new one) but never the cycle's batchId, and refusing that retry
//     would make it import the cycle under a new batchId, where every bill is a known duplicate.
//     The new key is not recorded: the batch keeps the key it was imported under.
import { createEvent } from '@gateway/contracts';
import type { BillBatchResponse, CurrencyCode } from '@gateway/contracts';
import { enqueueEvents, withTransaction } from '@gateway/kit';
import type { Pool, PoolClient } from 'pg';
import { checkBillRow, classifyDuplicate, planAccount } from '../domain/bill-import.ts';
import type { BillRowRejection, ImportLimits, ValidBillRow } from '../domain/bill-import.ts';
import type { AccountRecord } from '../domain/bill-records.ts';
import { toBillSnapshot } from '../domain/bill-snapshot.ts';
import type { LateFeePolicy } from '../domain/late-fee-policy.ts';
import { serviceName } from '../service-name.ts';
import { createAccounts, findAccounts } from '../store/pg-account-store.ts';
import type { NewAccount } from '../store/pg-account-store.ts';
import { findBatchRecord, findKeyedBatch, insertBatchRecord, releaseExpiredBatchKey, withBatchLocks } from '../store/pg-bill-batch-store.ts';
import type { AcceptedRow, BatchIdempotency, StoredOutcome } from '../store/pg-bill-batch-store.ts';
import { findBatchBills, findBillKeys, insertBills, newBillId } from '../store/pg-bill-store.ts';
import type { NewBill } from '../store/pg-bill-store.ts';

export type { AcceptedRow, BatchIdempotency } from '../store/pg-bill-batch-store.ts';

export const defaultChunkSize = 1_000;

/** docs/api.md: keys live 30 days; after that a client may use the key again for another batch. */
export const idempotencyKeyLifetimeDays = 30;

export type BillImportDeps = {
  pool: Pool;
  policy: LateFeePolicy;
  /** When set, bills in any other currency are rejected. */
  currency?: CurrencyCode | undefined;
  /** Lines and bytes per bill; defaultImportLimits when not given. */
  limits?: ImportLimits | undefined;
  /** The instant bill.issued snapshots are taken at; the real clock unless a test moves it. */
  now?: () => Date;
};

export type BillImportInput = {
  batchId: string;
  rows: AsyncIterable<unknown> | Iterable<unknown>;
  correlationId: string;
  causationId?: string | null;
  chunkSize?: number;
  /**
   * Keep the accepted rows for the answer. The HTTP route does (its answer lists them); the CSV
   * command does not, so a million-row cycle is not accumulated in memory just to be counted.
   */
  collectAccepted?: boolean;
  /** Called after each committed chunk, for progress output. */
  onChunk?: (progress: { rows: number; accepted: number; rejected: number; inserted: number }) => void;
  /** The caller's Idempotency-Key, its client and a fingerprint of the request (the HTTP route). */
  idempotency?: BatchIdempotency;
};

export type BillImportResult =
  | { kind: 'imported'; response: BillBatchResponse; inserted: number }
  /**
   * `keyReplay`: the same key and request as the import that produced this answer, which is then
   * rebuilt exactly as first sent (`replayed: false` included); otherwise a repeat of the batchId.
   */
  | { kind: 'replayed'; response: BillBatchResponse; inserted: 0; keyReplay: boolean }
  | { kind: 'in_progress' };

/** The key was used for another batch or another body: 422 idempotency_key_reused on the API. */
export type BatchKeyRefused = { kind: 'refused'; code: 'idempotency_key_reused'; message: string };

type ChunkOutcome = { accepted: AcceptedRow[]; acceptedEarlier: AcceptedRow[]; rejected: BillRowRejection[]; inserted: number };

export function importBillBatch(deps: BillImportDeps, input: BillImportInput & { idempotency: BatchIdempotency }): Promise<BillImportResult | BatchKeyRefused>;
export function importBillBatch(deps: BillImportDeps, input: BillImportInput & { idempotency?: undefined }): Promise<BillImportResult>;
export async function importBillBatch(deps: BillImportDeps, input: BillImportInput): Promise<BillImportResult | BatchKeyRefused> {
  const { idempotency } = input;
  // The key's lock first, then the batch's: two uploads under one key (whatever their batchIds) or of
  // one batchId (whatever their keys) never run at once, so neither the key check below nor the batch
  // record can race. Both are try-locks, and a miss is the retryable "in progress".
  const lockKeys = [...(idempotency ? [`bill-batch-key:${idempotency.clientId}\n${idempotency.key}`] : []), `bill-batch:${input.batchId}`];
  const outcome = await withBatchLocks(deps.pool, lockKeys, async (): Promise<BillImportResult | BatchKeyRefused> => {
    const collect = input.collectAccepted ?? true;
    if (idempotency) {
      const earlier = await findKeyedBatch(deps.pool, idempotency, idempotencyKeyLifetimeDays);
      if (earlier !== undefined) {
        if (earlier.batchId !== input.batchId) {
          return { kind: 'refused', code: 'idempotency_key_reused', message: `This Idempotency-Key was used for batch ${earlier.batchId}, not ${input.batchId}; send a new key for a new batch.` };
        }
        if (earlier.requestHash !== idempotency.requestHash) {
          return { kind: 'refused', code: 'idempotency_key_reused', message: `This Idempotency-Key was used for batch ${input.batchId} with another body; send the same body to retry, or a new key.` };
        }
        const stored = await loadBatchResponse(deps.pool, input.batchId, collect);
        if (stored !== undefined) return { kind: 'replayed', response: { ...stored, replayed: false }, inserted: 0, keyReplay: true };
      }
    }
    const stored = await loadBatchResponse(deps.pool, input.batchId, collect);
    if (stored !== undefined) return { kind: 'replayed', response: stored, inserted: 0, keyReplay: false };
    return await runImport(deps, input);
  });
  return outcome.locked ? outcome.value : { kind: 'in_progress' };
}

async function runImport(deps: BillImportDeps, input: BillImportInput): Promise<BillImportResult> {
  const receivedAt = new Date();
  const chunkSize = Math.max(1, input.chunkSize ?? defaultChunkSize);
  const collect = input.collectAccepted ?? true;
  const accepted: AcceptedRow[] = [];
  const outcome: StoredOutcome = { rejected: [], acceptedEarlier: [] };
  let acceptedCount = 0;
  let inserted = 0;
  let rows = 0;

  let chunk: { index: number; raw: unknown }[] = [];
  const flush = async () => {
    const result = await withTransaction(deps.pool, (client) => importChunk(client, deps, input, chunk));
    chunk = [];
    acceptedCount += result.accepted.length + result.acceptedEarlier.length;
    inserted += result.inserted;
    outcome.rejected.push(...result.rejected);
    outcome.acceptedEarlier.push(...result.acceptedEarlier);
    if (collect) accepted.push(...result.accepted, ...result.acceptedEarlier);
    input.onChunk?.({ rows, accepted: acceptedCount, rejected: outcome.rejected.length, inserted });
  };
  for await (const raw of input.rows) {
    chunk.push({ index: rows, raw });
    rows += 1;
    if (chunk.length >= chunkSize) await flush();
  }
  if (chunk.length > 0) await flush();

  const key = input.idempotency;
  await withTransaction(deps.pool, async (client) => {
    // An expired use of the key lets go of it, so the unique index takes the new batch.
    if (key) await releaseExpiredBatchKey(client, key, idempotencyKeyLifetimeDays);
    await insertBatchRecord(client, { batchId: input.batchId, receivedAt, accepted: acceptedCount, outcome, key });
  });
  accepted.sort((a, b) => a.index - b.index);
  return {
    kind: 'imported',
    inserted,
    response: {
      batchId: input.batchId,
      replayed: false,
      acceptedCount,
      rejectedCount: outcome.rejected.length,
      accepted,
      rejected: outcome.rejected,
    },
  };
}

async function importChunk(
  client: PoolClient,
  deps: BillImportDeps,
  input: BillImportInput,
  rows: readonly { index: number; raw: unknown }[],
): Promise<ChunkOutcome> {
  const out: ChunkOutcome = { accepted: [], acceptedEarlier: [], rejected: [], inserted: 0 };

  const valid: ValidBillRow[] = [];
  for (const { index, raw } of rows) {
    const checked = checkBillRow(raw, index, { currency: deps.currency, limits: deps.limits });
    if (checked.ok) valid.push(checked.row);
    else out.rejected.push(checked.rejection);
  }

  // Accounts: any row of the chunk with holder data creates its account, so the other rows of the
  // same new line need not repeat the holder.
  const accountNos = [...new Set(valid.map((r) => r.accountNo))];
  const accounts = await findAccounts(client, accountNos);
  const toCreate = new Map<string, NewAccount>();
  for (const row of valid) {
    const plan = planAccount(row, accounts.get(row.accountNo));
    if (plan.kind === 'create' && !toCreate.has(row.accountNo)) {
      toCreate.set(row.accountNo, { accountNo: row.accountNo, governorate: row.governorate, billerId: row.billerId, holder: plan.holder });
    }
  }
  if (toCreate.size > 0) {
    await createAccounts(client, [...toCreate.values()]);
    for (const [accountNo, account] of await findAccounts(client, [...toCreate.keys()])) accounts.set(accountNo, account);
  }

  const bills: NewBill[] = [];
  for (const row of valid) {
    const plan = planAccount(row, accounts.get(row.accountNo));
    if (plan.kind === 'refuse') {
      out.rejected.push({ index: row.index, externalBillId: row.externalBillId, reason: plan.reason, fields: ['accountNo', 'holder'] });
      continue;
    }
    const account = accounts.get(row.accountNo) as AccountRecord;
    bills.push({ billId: newBillId(), row, billerId: row.billerId ?? account.billerId });
  }

  const stored = await insertBills(client, input.batchId, bills);
  out.inserted = stored.length;
  const at = (deps.now ?? (() => new Date()))();
  const issued = stored.map((bill) => {
    const account = accounts.get(bill.accountNo) as AccountRecord;
    const snapshot = toBillSnapshot(bill, account, deps.policy, at);
    return createEvent('bill.issued', {
      producer: serviceName,
      key: bill.accountNo,
      correlationId: input.correlationId,
      causationId: input.causationId ?? null,
      occurredAt: at,
      payload: { ...snapshot, lines: bill.lines },
    });
  });
  await enqueueEvents(client, issued);

  // Rows the unique index turned away: this batch's own rows from an earlier run, repeats, conflicts.
  const byExternal = new Map(stored.map((b) => [b.externalBillId, b]));
  const conflicts = bills.filter((b) => byExternal.get(b.row.externalBillId)?.billId !== b.billId);
  const keys = await findBillKeys(client, [...new Set(conflicts.map((b) => b.row.externalBillId))]);
  for (const b of bills) {
    if (byExternal.get(b.row.externalBillId)?.billId === b.billId) {
      out.accepted.push({ index: b.row.index, externalBillId: b.row.externalBillId, billId: b.billId });
      continue;
    }
    const key = keys.get(b.row.externalBillId);
    // Not inserted yet not found: only if a concurrent writer rolled back between the two statements.
    if (key === undefined) throw new Error(`bill ${b.row.externalBillId} was neither inserted nor found; retry the batch`);
    const verdict = classifyDuplicate(key, b.row, input.batchId);
    if (verdict.kind === 'rejected') out.rejected.push({ index: b.row.index, externalBillId: b.row.externalBillId, reason: verdict.reason, fields: ['externalBillId'] });
    else if (verdict.kind === 'resumed') out.accepted.push({ index: b.row.index, externalBillId: b.row.externalBillId, billId: verdict.billId });
    else out.acceptedEarlier.push({ index: b.row.index, externalBillId: b.row.externalBillId, billId: verdict.billId });
  }
  out.rejected.sort((a, b) => a.index - b.index);
  return out;
}

/**
 * The answer to a batchId already imported, or undefined when it is not. Without `withAccepted` only
 * the counts and rejections are read (the CSV command's summary).
 */
async function loadBatchResponse(pool: Pool, batchId: string, withAccepted = true): Promise<BillBatchResponse | undefined> {
  const record = await findBatchRecord(pool, batchId);
  if (record === undefined) return undefined;
  const accepted = withAccepted ? [...(await findBatchBills(pool, batchId)), ...record.response.acceptedEarlier].sort((a, b) => a.index - b.index) : [];
  return {
    batchId,
    replayed: true,
    acceptedCount: record.accepted,
    rejectedCount: record.rejected,
    accepted,
    rejected: record.response.rejected,
  };
}
