// Bench: what an unsigned caller costs billing (issue 10 item 7). Starts billing's HTTP server on
// loopback and sends --requests concurrent unsigned POST /v1/bill-batches, each declaring --mb MB
// (the route accepts up to 100 MB) and streaming it in 64 KiB chunks for as long as the server reads.
// Prints, per request, the answer, the bytes the client got to send and the bytes the server read,
// and the server process's memory growth. Before the fix the whole body was read (and held) before
// the signature was looked at; now the answer is 401 after the headers and the connection is closed.
//
//   node bench/unsigned-flood.ts [--requests 4] [--mb 60] [--max-seconds 60]
//
// No Postgres or Redis is touched: an unsigned request never gets past the signature check.
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { createHttpServer, createLogger, createPool } from '@gateway/kit';
import { Redis } from 'ioredis';
import { defaultLateFeePolicy } from '../services/billing/src/domain/late-fee-policy.ts';
import { billingRoutes } from '../services/billing/src/http/routes.ts';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '4' },
    mb: { type: 'string', default: '60' },
    'max-seconds': { type: 'string', default: '60' },
  },
});
const requests = Number(values.requests);
const declared = Number(values.mb) * 1024 * 1024;
const maxMs = Number(values['max-seconds']) * 1000;
if (!Number.isSafeInteger(requests) || requests < 1 || requests > 64) throw new Error('--requests must be 1..64');
if (!Number.isSafeInteger(declared) || declared < 1) throw new Error('--mb must be a positive integer');

const logger = createLogger({ service: 'bench-unsigned-flood', level: 'error' });
// Never connected: unsigned requests are refused before any route or nonce check runs.
const pool = createPool({ connectionString: 'postgres://unused@127.0.0.1:1/unused', applicationName: 'bench', logger });
const redis = new Redis({ lazyConnect: true });
const app = createHttpServer({
  service: 'billing',
  version: 'bench',
  logger,
  routes: [billingRoutes({ pool, logger, policy: defaultLateFeePolicy })],
  auth: { clients: [{ clientId: 'telecom-billing', kind: 'biller', keys: [{ keyId: 'bench-k1', secret: Buffer.alloc(32, 1).toString('base64') }] }], redis, logger },
});

let serverBytesRead = 0;
app.server.on('connection', (socket: Socket) => socket.on('close', () => (serverBytesRead += socket.bytesRead)));
await app.listen({ host: '127.0.0.1', port: 0 });
const { port } = app.server.address() as { port: number };

interface Outcome {
  status: string;
  clientSent: number;
  ms: number;
}

function unsignedPost(): Promise<Outcome> {
  return new Promise((resolve) => {
    const started = performance.now();
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const socket = connect({ host: '127.0.0.1', port });
    let sent = 0;
    let answer = '';
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ status: /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 'no answer', clientSent: sent, ms: Math.round(performance.now() - started) });
    };
    const timer = setTimeout(finish, maxMs);
    const pump = () => {
      while (!done && sent < declared) {
        const part = chunk.subarray(0, Math.min(chunk.length, declared - sent));
        sent += part.length;
        if (!socket.write(part)) return; // wait for 'drain': the server is not reading
      }
    };
    socket.on('data', (data: Buffer) => {
      answer += data.toString('latin1');
      if (answer.includes('\r\n\r\n')) finish();
    });
    socket.on('drain', pump);
    socket.on('error', finish);
    socket.on('close', finish);
    socket.write(`POST /v1/bill-batches HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\ncontent-length: ${declared}\r\n\r\n`);
    pump();
  });
}

global.gc?.();
const rssBefore = process.memoryUsage().rss;
let rssPeak = rssBefore;
const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
const outcomes = await Promise.all(Array.from({ length: requests }, () => unsignedPost()));
clearInterval(sampler);
await app.close();
await pool.end();
redis.disconnect();

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
for (const [i, o] of outcomes.entries()) console.log(`request ${i + 1}: ${o.status} after ${o.ms} ms, client sent ${mb(o.clientSent)} of ${mb(declared)}`);
console.log(`server read ${mb(serverBytesRead)} in all (${requests} × ${mb(declared)} declared); RSS growth at peak ${mb(rssPeak - rssBefore)}`);
