// Node's HTTP parser refuses some requests before fastify ever sees them: a header line without a
// colon, a NUL in the request line, headers past Node's 16 KiB, Content-Length together with
// Transfer-Encoding. Fastify's default answer to those is its own `{ error, message, statusCode }`
// (and 431, which is not in the catalogue); an integrator must get the contract's shape and an
// X-Request-Id for these too. Nothing reached a route, so nothing was recorded.
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { errorBody, httpStatusOf } from '@gateway/contracts';
import type { ErrorCode } from '@gateway/contracts';
import type { Logger } from 'pino';
import { REQUEST_ID_HEADER } from './request-ids.ts';

const reasonPhrases: Readonly<Record<number, string>> = { 400: 'Bad Request', 413: 'Payload Too Large' };

function answerOf(error: NodeJS.ErrnoException): { code: ErrorCode; message: string } {
  if (error.code === 'HPE_HEADER_OVERFLOW') return { code: 'payload_too_large', message: 'The request headers are too large.' };
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return { code: 'invalid_request', message: 'The request was not received in time.' };
  return { code: 'invalid_request', message: 'The request is not valid HTTP/1.1.' };
}

export function clientErrorHandler(logger: Logger): (error: NodeJS.ErrnoException, socket: Socket) => void {
  return (error, socket) => {
    // A peer that reset or half-closed the connection cannot read an answer.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy(error);
      return;
    }
    const { code, message } = answerOf(error);
    const status = httpStatusOf(code);
    const requestId = randomUUID();
    logger.info({ requestId, parserError: error.code, status }, 'malformed HTTP request refused');
    const body = JSON.stringify(errorBody(code, requestId, message));
    socket.end(
      `HTTP/1.1 ${status} ${reasonPhrases[status] ?? 'Error'}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `${REQUEST_ID_HEADER}: ${requestId}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  };
}
