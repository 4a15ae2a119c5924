// settlement_files: each channel's daily statement as fetched, the input to reconciliation. The row
// holds the current version of the day. A fetch with the same digest changes nothing (no new row
// version, so no event); a different digest (the channel corrected its statement) replaces the copy
// under a new file_id. The audit log keeps who stored which digest when.
import { addDays, businessDateOf, startOfBusinessDate } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';
import { statementMentions } from '../domain/settlement-statement.ts';

export type SettlementFile = {
  channelId: string;
  businessDate: string;
  fileId: string;
  content: string;
  sha256: string;
  rowCount: number;
  fetchedAt: string;
  fetchedBy: string;
};

type Row = { channel_id: string; business_date: string; file_id: string; content: string; sha256: string; row_count: number; fetched_at: Date; fetched_by: string };

const columns = "channel_id, to_char(business_date, 'YYYY-MM-DD') AS business_date, file_id, content, sha256, row_count, fetched_at, fetched_by";

function toFile(r: Row): SettlementFile {
  return {
    channelId: r.channel_id,
    businessDate: r.business_date,
    fileId: r.file_id,
    content: r.content,
    sha256: r.sha256,
    rowCount: r.row_count,
    fetchedAt: r.fetched_at.toISOString(),
    fetchedBy: r.fetched_by,
  };
}

/**
 * Stores the file unless the day's stored copy has the same digest. Returns the stored version, or
 * null when nothing changed. One statement, so two replicas (or the scheduler and an operator)
 * storing the same day at once cannot both win: the second waits on the first's row lock and then
 * finds the digest equal.
 */
export async function saveSettlementFile(db: Queryable, file: Omit<SettlementFile, 'fetchedAt'>): Promise<SettlementFile | null> {
  const { rows } = await db.query<Row>(
    `INSERT INTO settlement_files (channel_id, business_date, file_id, content, sha256, row_count, fetched_by) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (channel_id, business_date) DO UPDATE SET file_id = EXCLUDED.file_id, content = EXCLUDED.content, sha256 = EXCLUDED.sha256,
       row_count = EXCLUDED.row_count, fetched_by = EXCLUDED.fetched_by, fetched_at = now()
     WHERE settlement_files.sha256 <> EXCLUDED.sha256
     RETURNING ${columns}`,
    [file.channelId, file.businessDate, file.fileId, file.content, file.sha256, file.rowCount, file.fetchedBy],
  );
  return rows[0] ? toFile(rows[0]) : null;
}

export async function findSettlementFile(db: Queryable, channelId: string, businessDate: string): Promise<SettlementFile | null> {
  const { rows } = await db.query<Row>(`SELECT ${columns} FROM settlement_files WHERE channel_id = $1 AND business_date = $2`, [channelId, businessDate]);
  return rows[0] ? toFile(rows[0]) : null;
}

/** The business dates in [from, to] for which the channel's statement is stored (to find the missing ones). */
export async function storedSettlementDates(db: Queryable, channelId: string, from: string, to: string): Promise<Set<string>> {
  const { rows } = await db.query<{ business_date: string }>(
    `SELECT to_char(business_date, 'YYYY-MM-DD') AS business_date FROM settlement_files WHERE channel_id = $1 AND business_date BETWEEN $2 AND $3`,
    [channelId, from, to],
  );
  return new Set(rows.map((r) => r.business_date));
}

/**
 * True when the channel's stored statement for the business date of `sentAt` proves it never moved
 * money for this reference that day: fetched after the day closed (an earlier fetch of the same day
 * is partial) and listing references, none of them ours. No statement, or one that cannot say: false.
 */
export async function statementLacksReference(db: Queryable, channelId: string, reference: string, sentAt: Date): Promise<boolean> {
  const businessDate = businessDateOf(sentAt);
  const file = await findSettlementFile(db, channelId, businessDate);
  if (file === null || Date.parse(file.fetchedAt) < startOfBusinessDate(addDays(businessDate, 1)).getTime()) return false;
  return statementMentions(file.content, reference) === false;
}
