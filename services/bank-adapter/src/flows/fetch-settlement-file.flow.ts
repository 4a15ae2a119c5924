// Fetching a channel's daily settlement statement, keeping it for reconciliation and announcing it.
// Through the channel's lane like any call (an open breaker refuses at once). The stored row, its
// audit entry and channel.settlement-file-fetched (in the outbox) are one transaction, so an event
// is published if and only if a new version of the file is stored.
import { createHash } from 'node:crypto';
import { createEvent } from '@gateway/contracts';
import { appendAudit, enqueueEvent, withTransaction } from '@gateway/kit';
import type { Pool } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import type { ChannelGateway } from '../channels/channel-gateway.ts';
import { SettlementStatementError, summarizeStatement } from '../domain/settlement-statement.ts';
import type { SettlementSummary } from '../domain/settlement-statement.ts';
import { serviceName } from '../service-name.ts';
import { findSettlementFile, saveSettlementFile } from '../store/pg-settlement-file-store.ts';
import type { SettlementFile } from '../store/pg-settlement-file-store.ts';

export type SettlementFetch =
  // A new file, or a corrected one (different digest): stored and announced.
  | { kind: 'stored'; file: SettlementFile }
  // Same digest as the stored copy: nothing written, nothing published.
  | { kind: 'unchanged'; file: SettlementFile }
  // The channel did not deliver (breaker open, forced off, timeout, 5xx, refusal).
  | { kind: 'unavailable'; message: string }
  // It delivered something we cannot total; not stored, so the next fetch tries again.
  | { kind: 'unreadable'; message: string }
  // No such channel in the registry: nothing asked.
  | { kind: 'unknown_channel'; message: string };

/** Where the adapter's operator API serves the stored statement (the event's `location`). */
export function settlementFileLocation(channelId: string, businessDate: string): string {
  return `/v1/settlement-files/${encodeURIComponent(channelId)}/${businessDate}`;
}

export async function fetchSettlementFile(
  deps: { pool: Pool; gateway: ChannelGateway; resultsTopic?: string | undefined },
  request: { channelId: string; businessDate: string; actor: string; requestId?: string | null },
): Promise<SettlementFetch> {
  const { channelId, businessDate } = request;
  if (deps.gateway.definition(channelId) === undefined) return { kind: 'unknown_channel', message: `No channel ${channelId}.` };
  const outcome = await deps.gateway.call(channelId, 'settlement', (connector, signal) => connector.settlementFile(businessDate, signal));
  if (!outcome.ok) return { kind: 'unavailable', message: outcome.message };
  const content = outcome.value;
  let summary: SettlementSummary;
  try {
    summary = summarizeStatement(content);
  } catch (error) {
    if (error instanceof SettlementStatementError) return { kind: 'unreadable', message: error.message };
    throw error;
  }
  const sha256 = createHash('sha256').update(content).digest('hex');
  return withTransaction(deps.pool, async (client): Promise<SettlementFetch> => {
    const saved = await saveSettlementFile(client, { channelId, businessDate, fileId: uuidv7(), content, sha256, rowCount: summary.rowCount, fetchedBy: request.actor });
    if (saved === null) {
      // The row exists (the insert conflicted) and is locked by the statement above until we commit.
      const current = await findSettlementFile(client, channelId, businessDate);
      if (current === null) throw new Error(`settlement file ${channelId}/${businessDate} vanished while stored`);
      return { kind: 'unchanged', file: current };
    }
    await appendAudit(client, {
      actor: request.actor,
      action: 'settlement-file.fetch',
      target: channelId,
      detail: { businessDate, fileId: saved.fileId, sha256, rowCount: saved.rowCount },
      requestId: request.requestId ?? null,
    });
    await enqueueEvent(
      client,
      createEvent('channel.settlement-file-fetched', {
        producer: serviceName,
        key: channelId,
        correlationId: request.requestId ?? uuidv7(),
        occurredAt: new Date(saved.fetchedAt),
        payload: {
          channelId,
          businessDate,
          fileId: saved.fileId,
          fetchedAt: saved.fetchedAt,
          sha256,
          rowCount: saved.rowCount,
          totals: summary.totals,
          location: settlementFileLocation(channelId, businessDate),
        },
      }),
      deps.resultsTopic,
    );
    return { kind: 'stored', file: saved };
  });
}
