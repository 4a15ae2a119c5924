// Fetching a channel's daily settlement statement and keeping it for reconciliation. Through the
// channel's lane like any call (an open breaker refuses at once), and audited with its digest.
import { createHash } from 'node:crypto';
import { withTransaction } from '@gateway/kit';
import type { Pool } from 'pg';
import { appendAudit } from '../store/pg-audit-store.ts';
import { saveSettlementFile } from '../store/pg-settlement-file-store.ts';
import type { SettlementFile } from '../store/pg-settlement-file-store.ts';
import type { ChannelGateway } from './channel-gateway.ts';

export type SettlementFetch = { kind: 'fetched'; file: SettlementFile } | { kind: 'unavailable'; message: string };

function dataRows(csv: string): number {
  const lines = csv.split(/\r?\n/).filter((l) => l.trim().length > 0);
  return Math.max(0, lines.length - 1);
}

export async function fetchSettlementFile(
  deps: { pool: Pool; gateway: ChannelGateway },
  request: { channelId: string; businessDate: string; actor: string; requestId?: string | null },
): Promise<SettlementFetch> {
  const outcome = await deps.gateway.call(request.channelId, 'settlement', (connector, signal) => connector.settlementFile(request.businessDate, signal));
  if (!outcome.ok) return { kind: 'unavailable', message: outcome.message };
  const content = outcome.value;
  const sha256 = createHash('sha256').update(content).digest('hex');
  const file = await withTransaction(deps.pool, async (client) => {
    const saved = await saveSettlementFile(client, { channelId: request.channelId, businessDate: request.businessDate, content, sha256, rowCount: dataRows(content), fetchedBy: request.actor });
    await appendAudit(client, { actor: request.actor, action: 'settlement-file.fetch', target: request.channelId, detail: { businessDate: request.businessDate, sha256, rowCount: saved.rowCount }, requestId: request.requestId ?? null });
    return saved;
  });
  return { kind: 'fetched', file };
}
