// The clients that may call the gateway (infra/local/clients.json locally; a secret store in
// production), validated with the contract's schema so a typo fails at start, not at the first call.
import { createSecretKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { clientsFileSchema } from '@gateway/contracts';
import type { ClientKind } from '@gateway/contracts';
import type { z } from 'zod';

export type ClientsFile = z.output<typeof clientsFileSchema>;
export type ClientRecord = ClientsFile[number];
export type { ClientKind };

/** What a route learns about its caller once the signature is verified. */
export interface AuthenticatedClient {
  clientId: string;
  kind: ClientKind;
  channelId?: string;
  /** For a biller client bound to one biller (an issuing authority): that billerId. */
  billerId?: string;
  /** The key that signed this request (which of a client's rotating keys is in use). */
  keyId: string;
  /** For an operator client: the signed-in person it acts for (x-operator-person), when it names one. */
  person?: string;
}

export class ClientsFileError extends Error {
  constructor(file: string, problem: string, options?: ErrorOptions) {
    super(`cannot load clients from ${file}: ${problem}`, options);
    this.name = 'ClientsFileError';
  }
}

export async function loadClients(file: string): Promise<ClientsFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ClientsFileError(file, code === 'ENOENT' ? 'the file does not exist' : `cannot read it (${code ?? String(error)})`, { cause: error });
  }
  return parseClients(text, file);
}

export function parseClients(text: string, file = 'clients.json'): ClientsFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ClientsFileError(file, `not valid JSON (${(error as Error).message})`, { cause: error });
  }
  const result = clientsFileSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`);
    throw new ClientsFileError(file, problems.join('; '));
  }
  return result.data;
}

export interface KeyEntry {
  client: ClientRecord;
  /**
   * The decoded HMAC key as a KeyObject, made once here: handed a Buffer, node's createHmac builds a
   * key object from it on every call, some 20 µs per request (bench/profile-payments.ts).
   */
  secret: KeyObject;
}

/** keyid → its client and decoded HMAC key. Every listed key of a client is valid: that is the rotation overlap. */
export function indexKeys(clients: ClientsFile): ReadonlyMap<string, KeyEntry> {
  const index = new Map<string, KeyEntry>();
  for (const client of clients) {
    for (const key of client.keys) index.set(key.keyId, { client, secret: createSecretKey(Buffer.from(key.secret, 'base64')) });
  }
  return index;
}
