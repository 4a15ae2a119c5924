// settlement_files: each channel's daily statement as fetched, the input to reconciliation. A fetch
// of the same day replaces the stored copy (channels re-issue corrected statements); the audit log
// keeps who fetched it when, with each copy's digest.
import type { Pool, PoolClient } from 'pg';

export type SettlementFile = { channelId: string; businessDate: string; content: string; sha256: string; rowCount: number; fetchedAt: string; fetchedBy: string };

type Row = { channel_id: string; business_date: string; content: string; sha256: string; row_count: number; fetched_at: Date; fetched_by: string };

function toFile(r: Row): SettlementFile {
  return { channelId: r.channel_id, businessDate: r.business_date, content: r.content, sha256: r.sha256, rowCount: r.row_count, fetchedAt: r.fetched_at.toISOString(), fetchedBy: r.fetched_by };
}

export async function saveSettlementFile(db: Pool | PoolClient, file: Omit<SettlementFile, 'fetchedAt'>): Promise<SettlementFile> {
  const { rows } = await db.query<Row>(
    `INSERT INTO settlement_files (channel_id, business_date, content, sha256, row_count, fetched_by) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (channel_id, business_date) DO UPDATE SET content = EXCLUDED.content, sha256 = EXCLUDED.sha256, row_count = EXCLUDED.row_count,
       fetched_by = EXCLUDED.fetched_by, fetched_at = now()
     RETURNING channel_id, to_char(business_date, 'YYYY-MM-DD') AS business_date, content, sha256, row_count, fetched_at, fetched_by`,
    [file.channelId, file.businessDate, file.content, file.sha256, file.rowCount, file.fetchedBy],
  );
  return toFile(rows[0]!);
}

export async function findSettlementFile(db: Pool | PoolClient, channelId: string, businessDate: string): Promise<SettlementFile | null> {
  const { rows } = await db.query<Row>(
    `SELECT channel_id, to_char(business_date, 'YYYY-MM-DD') AS business_date, content, sha256, row_count, fetched_at, fetched_by
     FROM settlement_files WHERE channel_id = $1 AND business_date = $2`,
    [channelId, businessDate],
  );
  return rows[0] ? toFile(rows[0]) : null;
}
