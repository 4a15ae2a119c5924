// Requests Node's HTTP parser refuses never reach fastify's routes or error handler; they must still be
// answered in the contract's shape. Sent over a real socket, since inject() bypasses the parser.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHttpServer } from '../src/http/index.ts';
import type { HttpServer } from '../src/http/index.ts';
import { createLogger } from '../src/logger/index.ts';

let app: HttpServer;
let port: number;

beforeAll(async () => {
  app = createHttpServer({ service: 'client-error-test', version: '0.0.0', logger: createLogger({ service: 'client-error-test', level: 'silent' }) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  port = address.port;
});

afterAll(async () => {
  await app.close();
});

/** Sends raw bytes and returns the whole answer (the server closes the connection). */
function sendRaw(bytes: string): Promise<{ status: number; headers: Record<string, string>; body: unknown }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: body === '' ? undefined : JSON.parse(body) });
    });
    socket.write(bytes);
  });
}

describe('requests the HTTP parser refuses', () => {
  it.each([
    ['a header line without a colon', 'GET /healthz HTTP/1.1\r\nHost: x\r\nthis is not a header\r\n\r\n'],
    ['Content-Length together with Transfer-Encoding', 'POST /v1/x HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
    ['a NUL in the request line', 'GET /heal\u0000thz HTTP/1.1\r\nHost: x\r\n\r\n'],
  ])('answers %s with 400 invalid_request in the contract shape', async (_name, raw) => {
    const res = await sendRaw(raw);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ error: { code: 'invalid_request', message: expect.any(String), requestId: res.headers['x-request-id'] } });
  });

  it('answers headers past the parser limit with 413 payload_too_large, not 431', async () => {
    const res = await sendRaw(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: { code: 'payload_too_large', message: 'The request headers are too large.', requestId: res.headers['x-request-id'] } });
  });

  it('still serves a well-formed request on a new connection', async () => {
    const res = await sendRaw('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(res.status).toBe(200);
  });
});
