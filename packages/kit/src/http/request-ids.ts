// X-Request-Id names one HTTP exchange; X-Correlation-Id names the whole business flow it belongs to
// (it travels on into the events' `correlationId`). A caller's id is kept when it is well formed, so a
// bank can quote its own id to support; anything else (too long, odd characters that would poison log
// search or header injection) is replaced by a fresh UUID.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const wellFormedId = /^[A-Za-z0-9._:-]{1,128}$/;

export const REQUEST_ID_HEADER = 'x-request-id';
export const CORRELATION_ID_HEADER = 'x-correlation-id';

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' && wellFormedId.test(value) ? value : undefined;
}

export function requestIdOf(req: IncomingMessage): string {
  return headerValue(req, REQUEST_ID_HEADER) ?? randomUUID();
}

export function correlationIdOf(req: IncomingMessage, requestId: string): string {
  return headerValue(req, CORRELATION_ID_HEADER) ?? requestId;
}
