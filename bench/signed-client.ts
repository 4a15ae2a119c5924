// What the benches need to talk to the stack as its demo clients would: each client's key from
// infra/local/clients.json, a signed request, and the one-bill row they import.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { signRequest } from '@gateway/kit';

export type Key = { keyId: string; secret: string };
type Client = { clientId: string; keys: Key[] };

const clients = JSON.parse(readFileSync(new URL('../infra/local/clients.json', import.meta.url), 'utf8')) as Client[];

/** The first key of a demo client. */
export function keyOf(clientId: string): Key {
  const key = clients.find((c) => c.clientId === clientId)?.keys[0];
  if (!key) throw new Error(`no client ${clientId} in infra/local/clients.json`);
  return key;
}

/** A signed request; a POST gets a fresh Idempotency-Key. Without `timeoutMs` it waits as long as it takes. */
export async function send(method: 'GET' | 'POST', url: string, key: Key, body?: unknown, timeoutMs?: number): Promise<{ status: number; json: unknown }> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = {};
  if (text !== undefined) {
    headers['content-type'] = 'application/json';
    headers['idempotency-key'] = randomUUID();
  }
  Object.assign(headers, await signRequest({ method, url, body: text, keyId: key.keyId, secret: key.secret, headers }));
  const response = await fetch(url, { method, headers, body: text, ...(timeoutMs !== undefined ? { signal: AbortSignal.timeout(timeoutMs) } : {}) });
  return { status: response.status, json: await response.json().catch(() => null) };
}

/**
 * One bench bill of 1,500.00 SYP for `accountNo`, due at the end of the year, for a subscriber of
 * their own phone number (one number for all would make notification send their SMS one at a time:
 * it holds a second message for a handset until the first is done). The fault suite passes its own
 * due date (far ahead, so no late fee moves an amount mid-run), name and block of numbers.
 */
export function benchBill(externalBillId: string, accountNo: string, i: number, options: { dueDate?: string; who?: string; numberPrefix?: string } = {}) {
  const { dueDate = '2026-12-31', who = 'Bench', numberPrefix = '+96394' } = options;
  return {
    externalBillId,
    accountNo,
    period: { from: '2026-10-01', to: '2026-10-31' },
    issueDate: '2026-11-01',
    dueDate,
    amount: { amount: 150_000, currency: 'SYP' },
    holder: { name: `${who} subscriber ${i}`, class: 'individual', msisdn: `${numberPrefix}${String(i % 10_000_000).padStart(7, '0')}` },
  };
}
