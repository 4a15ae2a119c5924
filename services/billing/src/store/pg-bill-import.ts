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
// The HTTP route also passes the request's Idempotency-Key (API.md's common rule); the CSV command
// has none. The key is recorded with the batch and checked before the batchId:
//   - same client, same key, same request: the first answer again, byte for byte (`keyReplay`);
//   - same key, another batchId or another body: ApiError idempotency_key_reused (422), thrown
//     rather than returned so callers without a key (the CSV command, the bench) see no new case;
//   - a batchId already imported, under another key or none: the batchId replay as before. The
//     batch is the business identity: the telecom's billing system may lose the key it used (a
//     restarted exporter mints a new one) but never the cycle's batchId, and refusing that retry
//     would make it import the cycle under a new batchId, where every bill is a known duplicate.
//     The new key is not recorded: the batch keeps the key it was imported under.
import { ApiError, createEvent } from '@gateway/contracts';
import type { BillBatchResponse, CurrencyCode } from '@gateway/contracts';
import { enqueueEvents, withTransaction } from '@gateway/kit';
import type { Pool, PoolClient } from 'pg';
import { checkBillRow, classifyDuplicate, planAccount } from '../domain/bill-import.ts';
import type { BillRowRejection, ImportLimits, ValidBillRow } from '../domain/bill-import.ts';
import type { AccountRecord } from '../domain/bill-records.ts';
import { toBillSnapshot } from '../domain/bill-snapshot.ts';
import type { LateFeePolicy } from '../domain/late-fee-policy.ts';
import { createAccounts, findAccounts } from './pg-account-store.ts';
import type { NewAccount } from './pg-account-store.ts';
import { findBatchBills, findBillKeys, insertBills, newBillId } from './pg-bill-store.ts';
import type { NewBill } from './pg-bill-store.ts';

export const defaultChunkSize = 1_000;

/** API.md: keys live 30 days; after that a client may use the key again for another batch. */
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

export type BatchIdempotency = { clientId: string; key: string; requestHash: string };

export type AcceptedRow = { index: number; externalBillId: string; billId: string };

export type BillImportResult =
  | { kind: 'imported'; response: BillBatchResponse; inserted: number }
  /**
   * `keyReplay`: the same key and request as the import that produced this answer, which is then
   * rebuilt exactly as first sent (`replayed: false` included); otherwise a repeat of the batchId.
   */
  | { kind: 'replayed'; response: BillBatchResponse; inserted: 0; keyReplay: boolean }
  | { kind: 'in_progress' };

// What bill_batches.response keeps: the rows that are not bills of this batch. The batch's own
// accepted rows are read back from `bills` on a replay rather than stored a second time.
type StoredOutcome = { rejected: BillRowRejection[]; acceptedEarlier: AcceptedRow[] };

type ChunkOutcome = { accepted: AcceptedRow[]; acceptedEarlier: AcceptedRow[]; rejected: BillRowRejection[]; inserted: number };

export async function importBatch(deps: BillImportDeps, input: BillImportInput): Promise<BillImportResult> {
  const { idempotency } = input;
  // The key's lock first, then the batch's: two uploads under one key (whatever their batchIds) or of
  // one batchId (whatever their keys) never run at once, so neither the key check below nor the batch
  // record can race. Both are try-locks, and a miss is the retryable "in progress".
  const lockKeys = [...(idempotency ? [`bill-batch-key:${idempotency.clientId}\n${idempotency.key}`] : []), `bill-batch:${input.batchId}`];
  const lockClient = await deps.pool.connect();
  const held: string[] = [];
  let broken: Error | undefined;
  try {
    for (const lockKey of lockKeys) {
      const { rows: locked } = await lockClient.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [lockKey]);
      if (!locked[0]?.locked) return { kind: 'in_progress' };
      held.push(lockKey);
    }
    const collect = input.collectAccepted ?? true;
    if (idempotency) {
      const earlier = await findKeyedBatch(deps.pool, idempotency);
      if (earlier !== undefined) {
        if (earlier.batchId !== input.batchId) {
          throw new ApiError('idempotency_key_reused', `This Idempotency-Key was used for batch ${earlier.batchId}, not ${input.batchId}; send a new key for a new batch.`);
        }
        if (earlier.requestHash !== idempotency.requestHash) {
          throw new ApiError('idempotency_key_reused', `This Idempotency-Key was used for batch ${input.batchId} with another body; send the same body to retry, or a new key.`);
        }
        const stored = await loadBatchResponse(deps.pool, input.batchId, collect);
        if (stored !== undefined) return { kind: 'replayed', response: { ...stored, replayed: false }, inserted: 0, keyReplay: true };
      }
    }
    const stored = await loadBatchResponse(deps.pool, input.batchId, collect);
    if (stored !== undefined) return { kind: 'replayed', response: stored, inserted: 0, keyReplay: false };
    return await runImport(deps, input);
  } finally {
    try {
      for (const lockKey of held.reverse()) await lockClient.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [lockKey]);
    } catch (error) {
      // Ending the session frees the locks too: the connection goes back broken, to be closed.
      broken = error instanceof Error ? error : new Error(String(error));
    }
    lockClient.release(broken);
  }
}

/** The batch this client imported under this key within the key's lifetime, if any. */
async function findKeyedBatch(pool: Pool, idempotency: BatchIdempotency): Promise<{ batchId: string; requestHash: string | null } | undefined> {
  const { rows } = await pool.query<{ batch_id: string; request_hash: string | null }>(
    `SELECT batch_id, request_hash FROM bill_batches
     WHERE client_id = $1 AND idempotency_key = $2 AND received_at > now() - make_interval(days => $3)`,
    [idempotency.clientId, idempotency.key, idempotencyKeyLifetimeDays],
  );
  const row = rows[0];
  return row === undefined ? undefined : { batchId: row.batch_id, requestHash: row.request_hash };
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
    if (key) {
      // An expired use of the key lets go of it, so the unique index takes the new batch.
      await client.query(
        `UPDATE bill_batches SET client_id = NULL, idempotency_key = NULL, request_hash = NULL
         WHERE client_id = $1 AND idempotency_key = $2 AND received_at <= now() - make_interval(days => $3)`,
        [key.clientId, key.key, idempotencyKeyLifetimeDays],
      );
    }
    await client.query(
      `INSERT INTO bill_batches (batch_id, received_at, accepted, rejected, response, client_id, idempotency_key, request_hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (batch_id) DO NOTHING`,
      [input.batchId, receivedAt, acceptedCount, outcome.rejected.length, JSON.stringify(outcome), key?.clientId ?? null, key?.key ?? null, key?.requestHash ?? null],
    );
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
      producer: 'billing',
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
export async function loadBatchResponse(pool: Pool, batchId: string, withAccepted = true): Promise<BillBatchResponse | undefined> {
  const { rows } = await pool.query<{ accepted: number; rejected: number; response: StoredOutcome }>(
    'SELECT accepted, rejected, response FROM bill_batches WHERE batch_id = $1',
    [batchId],
  );
  const record = rows[0];
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
