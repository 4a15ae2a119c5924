// One HTTP exchange with a channel, and the one place that decides what a failed exchange means for
// money. The question is always "can the request have reached the channel?":
// - the TCP connection was refused, or the host does not resolve: no byte left, nothing moved;
// - the channel answered 4xx: it refused the request, nothing moved;
// - a 5xx the channel documents as "before any effect" (its noEffectStatuses): nothing moved;
// - every other 5xx, a timeout (the breaker aborted the request), a reset connection, or a 2xx we
//   cannot read: it may have been executed, so the outcome is UNKNOWN.
import { ChannelCallError } from '../domain/connector.ts';
import type { ChannelDefinition } from '../domain/channel-registry.ts';

export type ChannelReply = { status: number; body: unknown };

// Errors whose cause proves the request never left this host (undici puts the socket error in `cause`).
const neverSentCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_INVALID_URL']);

function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export type ChannelHttpOptions = Pick<ChannelDefinition, 'channelId' | 'baseUrl' | 'apiKey' | 'noEffectStatuses'>;

/**
 * Sends one request. Resolves with any answer below 500 (the connector maps it); throws a
 * ChannelCallError for anything else. Never retries.
 */
export async function channelRequest(
  channel: ChannelHttpOptions,
  method: 'GET' | 'POST',
  path: string,
  signal: AbortSignal,
  body?: unknown,
): Promise<ChannelReply> {
  const url = new URL(path, channel.baseUrl.endsWith('/') ? channel.baseUrl : `${channel.baseUrl}/`);
  const where = `${method} ${channel.channelId}${url.pathname}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      signal,
      headers: { 'x-api-key': channel.apiKey, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    if (signal.aborted) throw new ChannelCallError(`${where}: no answer in time (request aborted)`, { effect: 'unknown', timedOut: true, cause: error });
    const code = causeCode(error);
    if (code !== undefined && neverSentCodes.has(code)) throw new ChannelCallError(`${where}: ${code} (the request never left)`, { effect: 'none', cause: error });
    throw new ChannelCallError(`${where}: ${code ?? (error instanceof Error ? error.message : String(error))}`, { effect: 'unknown', cause: error });
  }

  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    // The status line came back but the body did not: the channel processed the request.
    throw new ChannelCallError(`${where}: ${response.status} with an unreadable body`, { effect: 'unknown', status: response.status, timedOut: signal.aborted, cause: error });
  }
  if (response.status >= 500) {
    const effect = channel.noEffectStatuses.includes(response.status) ? 'none' : 'unknown';
    throw new ChannelCallError(`${where}: ${response.status}`, { effect, status: response.status });
  }
  let parsed: unknown = null;
  if (text.length > 0) {
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new ChannelCallError(`${where}: ${response.status} with a body that is not JSON`, { effect: response.status < 300 ? 'unknown' : 'none', status: response.status, cause: error });
    }
  }
  return { status: response.status, body: parsed };
}

export async function channelText(channel: ChannelHttpOptions, path: string, signal: AbortSignal): Promise<{ status: number; text: string }> {
  const url = new URL(path, channel.baseUrl.endsWith('/') ? channel.baseUrl : `${channel.baseUrl}/`);
  let response: Response;
  try {
    response = await fetch(url, { signal, headers: { 'x-api-key': channel.apiKey, accept: 'text/csv' } });
  } catch (error) {
    throw new ChannelCallError(`GET ${channel.channelId}${url.pathname}: ${causeCode(error) ?? String(error)}`, { effect: 'none', timedOut: signal.aborted, cause: error });
  }
  const text = await response.text();
  if (response.status >= 500) throw new ChannelCallError(`GET ${channel.channelId}${url.pathname}: ${response.status}`, { effect: 'none', status: response.status });
  return { status: response.status, text };
}
