// An operator's view of a channel's day matched against its settlement file, and the resolution of
// its exceptions. A day no file was matched for yet is `pending`, with our side as it stands now.
// Resolving is idempotent (the same action again answers the resolution made), audited with the person.
import { appendAudit, withTransaction } from '@gateway/kit';
import type { Pool } from 'pg';
import { DEFAULT_CURRENCY } from './reconcile-settlement-file.flow.ts';
import { findReconciliation, ledgerLines, listExceptions, lockException, markResolved } from '../store/pg-reconciliation-store.ts';
import type { ExceptionRow } from '../store/pg-reconciliation-store.ts';
import { matchDay } from '../domain/reconciliation.ts';
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

export async function getReconciliation(pool: Pool, request: { channelId: string; businessDate: string; channels: ChannelCatalogue }): Promise<ReconciliationView> {
  const { channelId, businessDate } = request;
  const day = await findReconciliation(pool, channelId, businessDate);
  if (day === null) {
    const ours = matchDay(await ledgerLines(pool, channelId, businessDate, { cutOff: cutOffOf(request.channels, channelId), timeZone: request.channels.timezone }), []).ours;
    return {
      channelId,
      businessDate,
      status: 'pending',
      file: null,
      ours: { count: ours.count, amount: { amount: ours.amount, currency: DEFAULT_CURRENCY } },
      theirs: { count: 0, amount: { amount: 0, currency: DEFAULT_CURRENCY } },
      exceptions: [],
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

/** What this slice can do to an exception; record_payment and refund are answered as not built yet. */
export const builtResolutions = ['accept', 'write_off'] as const;
export type ResolutionAction = 'accept' | 'record_payment' | 'refund' | 'write_off';

export type ResolveOutcome =
  | { kind: 'resolved'; exception: ExceptionView; repeated: boolean }
  | { kind: 'not_found' }
  | { kind: 'refused'; reason: 'already_resolved' | 'superseded' | 'not_built'; exception: ExceptionView };

export async function resolveException(
  pool: Pool,
  request: { exceptionId: string; action: ResolutionAction; note: string; actor: string; requestId: string; now: Date },
): Promise<ResolveOutcome> {
  return withTransaction(pool, async (client): Promise<ResolveOutcome> => {
    const row = await lockException(client, request.exceptionId);
    if (row === null) return { kind: 'not_found' };
    if (row.status === 'resolved') {
      if (row.resolution === request.action) return { kind: 'resolved', exception: exceptionView(row), repeated: true };
      return { kind: 'refused', reason: 'already_resolved', exception: exceptionView(row) };
    }
    if (row.status === 'superseded') return { kind: 'refused', reason: 'superseded', exception: exceptionView(row) };
    if (!(builtResolutions as readonly string[]).includes(request.action)) return { kind: 'refused', reason: 'not_built', exception: exceptionView(row) };
    const resolved = await markResolved(client, row.exception_id, { resolution: request.action, note: request.note, by: request.actor, at: request.now });
    await appendAudit(client, {
      actor: request.actor,
      action: 'reconciliation-exception.resolve',
      target: row.exception_id,
      detail: { resolution: request.action, note: request.note, kind: row.kind, reference: row.reference, channelId: row.channel_id, businessDate: row.business_date },
      requestId: request.requestId,
    });
    return { kind: 'resolved', exception: exceptionView(resolved), repeated: false };
  });
}
