// An operator's view of a channel's day matched against its settlement file, and the resolution of
// its exceptions. A day no file was matched for yet is `pending`, with our side as it stands now.
// Resolving is idempotent (the same action again answers the resolution made), audited with the person.
// record_payment and refund act on the intent through the outbox (reconciliation-actions.flow.ts).
import { appendAudit, withTransaction } from '@gateway/kit';
import type { ErrorCode } from '@gateway/contracts';
import type { Pool } from 'pg';
import { DEFAULT_CURRENCY } from './reconcile-settlement-file.flow.ts';
import { recordPaymentFromFile, refundFromFile } from './reconciliation-actions.flow.ts';
import type { FileActionDeps } from './reconciliation-actions.flow.ts';
import { findFileAlert, findReconciliation, ledgerLines, listExceptions, lockException, markResolved } from '../store/pg-reconciliation-store.ts';
import type { ExceptionRow } from '../store/pg-reconciliation-store.ts';
import { fileDeadlineOf, matchDay } from '../domain/reconciliation.ts';
import { cutOffOf } from '../domain/catalogues.ts';
import type { ChannelCatalogue } from '../domain/catalogues.ts';

export type ExceptionView = {
  exceptionId: string;
  kind: ExceptionRow['kind'];
  reference: string;
  ours: Record<string, unknown> | null;
  theirs: Record<string, unknown> | null;
  status: 'open' | 'resolved' | 'superseded';
  resolution: { action: string; note: string; by: string; at: string } | null;
};

type Side = { count: number; amount: { amount: number; currency: string } };

export type ReconciliationView = {
  channelId: string;
  businessDate: string;
  status: 'pending' | 'matched' | 'exceptions';
  file: { fileId: string; sha256: string; fetchedAt: string } | null;
  ours: Side;
  theirs: Side;
  exceptions: ExceptionView[];
  fileOverdue?: { deadline: string; alertedAt: string | null } | null;
};

export function exceptionView(row: ExceptionRow): ExceptionView {
  return {
    exceptionId: row.exception_id,
    kind: row.kind,
    reference: row.reference,
    ours: row.ours,
    theirs: row.theirs,
    status: row.status,
    resolution:
      row.resolution === null ? null : { action: row.resolution, note: row.note ?? '', by: row.resolved_by ?? '', at: (row.resolved_at ?? new Date(0)).toISOString() },
  };
}

/** `fileDeadline` (SETTLEMENT_FILE_DEADLINE) and `now`: a pending day past its deadline says so. */
export async function getReconciliation(
  pool: Pool,
  request: { channelId: string; businessDate: string; channels: ChannelCatalogue; fileDeadline: string; now: Date },
): Promise<ReconciliationView> {
  const { channelId, businessDate } = request;
  const day = await findReconciliation(pool, channelId, businessDate);
  if (day === null) {
    const deadline = fileDeadlineOf(businessDate, request.fileDeadline, request.channels.timezone);
    const alert = deadline.getTime() <= request.now.getTime() ? await findFileAlert(pool, channelId, businessDate) : null;
    const ours = matchDay(await ledgerLines(pool, channelId, businessDate, { cutOff: cutOffOf(request.channels, channelId), timeZone: request.channels.timezone }), []).ours;
    return {
      channelId,
      businessDate,
      status: 'pending',
      file: null,
      ours: { count: ours.count, amount: { amount: ours.amount, currency: DEFAULT_CURRENCY } },
      theirs: { count: 0, amount: { amount: 0, currency: DEFAULT_CURRENCY } },
      exceptions: [],
      fileOverdue: deadline.getTime() <= request.now.getTime() ? { deadline: deadline.toISOString(), alertedAt: alert?.raised_at.toISOString() ?? null } : null,
    };
  }
  const exceptions = await listExceptions(pool, channelId, businessDate, day.file_id);
  return {
    channelId,
    businessDate,
    status: day.status,
    file: { fileId: day.file_id, sha256: day.sha256, fetchedAt: day.fetched_at.toISOString() },
    ours: { count: day.our_count, amount: { amount: Number(day.our_amount), currency: day.currency } },
    theirs: { count: day.their_count, amount: { amount: Number(day.their_amount), currency: day.currency } },
    exceptions: exceptions.map(exceptionView),
  };
}

export type ResolutionAction = 'accept' | 'record_payment' | 'refund' | 'write_off';

export type ResolveOutcome =
  | { kind: 'resolved'; exception: ExceptionView; repeated: boolean }
  | { kind: 'not_found' }
  /** `code` is the API's (invalid_state, or the payment's refusal such as bill_already_paid); the exception stays as it was. */
  | { kind: 'refused'; code: ErrorCode; reason: string; message: string; details?: Record<string, unknown>; exception: ExceptionView };

/**
 * accept and write_off only record the decision; record_payment and refund act on the intent the
 * file's debit belongs to (reconciliation-actions.flow.ts), in the same transaction as the resolution
 * and its audit row, so an action that cannot be taken leaves the exception open and changes nothing.
 */
export async function resolveException(
  pool: Pool,
  request: { exceptionId: string; action: ResolutionAction; note: string; actor: string; requestId: string; now: Date },
  deps: Omit<FileActionDeps, 'now'>,
): Promise<ResolveOutcome> {
  return withTransaction(pool, async (client): Promise<ResolveOutcome> => {
    const row = await lockException(client, request.exceptionId);
    if (row === null) return { kind: 'not_found' };
    const refuse = (reason: string, message: string): ResolveOutcome => ({ kind: 'refused', code: 'invalid_state', reason, message, exception: exceptionView(row) });
    if (row.status === 'resolved') {
      if (row.resolution === request.action) return { kind: 'resolved', exception: exceptionView(row), repeated: true };
      return refuse('already_resolved', `The exception is already resolved (${row.resolution ?? ''}).`);
    }
    if (row.status === 'superseded') return refuse('superseded', 'A corrected settlement file superseded this exception; resolve the current one.');
    const fileDeps = { ...deps, now: request.now };
    const acted =
      request.action === 'record_payment'
        ? await recordPaymentFromFile(client, row, fileDeps)
        : request.action === 'refund'
          ? await refundFromFile(client, row, { ...fileDeps, note: request.note })
          : { kind: 'done' as const, detail: {} };
    if (acted.kind === 'refused') return { ...acted, exception: exceptionView(row) };
    const resolved = await markResolved(client, row.exception_id, { resolution: request.action, note: request.note, by: request.actor, at: request.now });
    await appendAudit(client, {
      actor: request.actor,
      action: 'reconciliation-exception.resolve',
      target: row.exception_id,
      detail: { resolution: request.action, note: request.note, kind: row.kind, reference: row.reference, channelId: row.channel_id, businessDate: row.business_date, ...acted.detail },
      requestId: request.requestId,
    });
    return { kind: 'resolved', exception: exceptionView(resolved), repeated: false };
  });
}
