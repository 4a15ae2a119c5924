// One simulator for a test: the state, the SMPP server on an ephemeral port, the HTTP app (driven by
// inject), and an SMPP client built on the same `smpp` library the notification service uses.
import smpp from 'smpp';
import type { Pdu, Session } from 'smpp';
import { createLogger } from '@gateway/kit';
import type { HttpServer } from '@gateway/kit';
import { buildSmscApp } from '../src/app.ts';
import { createSmscServer } from '../src/smpp/smsc-server.ts';
import type { SmscServer } from '../src/smpp/smsc-server.ts';
import { createSmscState } from '../src/store/smsc-state.ts';
import type { SmscState } from '../src/store/smsc-state.ts';

export const PASSWORD = 'test-secret';

export interface SmscFixture {
  state: SmscState;
  smsc: SmscServer;
  app: HttpServer;
  port: number;
  close(): Promise<void>;
}

export async function startSmsc(receiptDelayMs = 200): Promise<SmscFixture> {
  const logger = createLogger({ service: 'smsc-simulator-test', level: 'silent' });
  const state = createSmscState({ receiptDelayMs });
  const smsc = createSmscServer(state, { systemId: 'test-smsc', password: PASSWORD, logger });
  const address = await smsc.listen('127.0.0.1', 0);
  const app = buildSmscApp(state, smsc);
  return {
    state,
    smsc,
    app,
    port: address.port,
    async close() {
      await app.close();
      await smsc.close();
    },
  };
}

export interface TestClient {
  session: Session;
  /** deliver_sm PDUs received so far (each acknowledged). */
  delivered: Pdu[];
  nextDeliver(timeoutMs?: number): Promise<Pdu>;
  closed: Promise<void>;
  request(command: 'bind_transceiver' | 'bind_transmitter' | 'submit_sm' | 'enquire_link', options?: Record<string, unknown>): Promise<Pdu>;
}

export async function connectClient(port: number): Promise<TestClient> {
  const session = smpp.connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    session.once('connect', () => resolve());
    session.once('error', reject);
  });
  const delivered: Pdu[] = [];
  const waiters: ((pdu: Pdu) => void)[] = [];
  session.on('error', () => undefined);
  session.on('deliver_sm', (pdu: Pdu) => {
    session.send(pdu.response());
    const waiter = waiters.shift();
    if (waiter === undefined) delivered.push(pdu);
    else waiter(pdu);
  });
  const closed = new Promise<void>((resolve) => session.once('close', () => resolve()));
  return {
    session,
    delivered,
    closed,
    nextDeliver(timeoutMs = 5000) {
      const queued = delivered.shift();
      if (queued !== undefined) return Promise.resolve(queued);
      return new Promise((resolve, reject) => {
        const waiter = (pdu: Pdu): void => {
          clearTimeout(timer);
          resolve(pdu);
        };
        // A waiter that timed out must leave the queue, or it would swallow the next deliver_sm.
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error('no deliver_sm within the timeout'));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    request(command, options = {}) {
      return new Promise((resolve) => session[command](options, resolve));
    },
  };
}

export async function boundClient(port: number, mode: 'bind_transceiver' | 'bind_transmitter' = 'bind_transceiver'): Promise<TestClient> {
  const client = await connectClient(port);
  const resp = await client.request(mode, { system_id: 'notification', password: PASSWORD });
  if (resp.command_status !== smpp.ESME_ROK) throw new Error(`bind failed with ${resp.command_status}`);
  return client;
}

/** UCS-2 big-endian, done without the library so the test does not check the library against itself. */
export function ucs2(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}
