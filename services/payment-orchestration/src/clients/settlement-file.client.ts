// Reads a stored settlement file from the bank adapter (the `location` channel.settlement-file-fetched
// names: its operator route GET /v1/settlement-files/{channelId}/{businessDate}), signed with this
// service's own operator key. The event carries the totals only: a day's file can be far larger than
// a Kafka message should be, and the adapter keeps the copy of record.
import { signRequest } from '@gateway/kit';

export type StoredSettlementFile = { fileId: string; sha256: string; fetchedAt: string; content: string };

/** Reads the file at `location` (a path on the bank adapter); throws when it cannot (the consumer retries). */
export type SettlementFileSource = (location: string) => Promise<StoredSettlementFile>;

export function createSettlementFileClient(options: { baseUrl: string; keyId: string; secret: string; timeoutMs: number }): SettlementFileSource {
  return async (location) => {
    const url = new URL(location, options.baseUrl);
    const headers = await signRequest({ method: 'GET', url, keyId: options.keyId, secret: options.secret });
    const response = await fetch(url, { headers: { ...headers }, signal: AbortSignal.timeout(options.timeoutMs) });
    if (!response.ok) throw new Error(`GET ${url.pathname} answered ${response.status}`);
    const body = (await response.json()) as Partial<StoredSettlementFile>;
    if (typeof body.fileId !== 'string' || typeof body.sha256 !== 'string' || typeof body.fetchedAt !== 'string' || typeof body.content !== 'string') {
      throw new Error(`GET ${url.pathname} answered without a file`);
    }
    return { fileId: body.fileId, sha256: body.sha256, fetchedAt: body.fetchedAt, content: body.content };
  };
}
