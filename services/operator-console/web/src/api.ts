// The console backend's browser API (/api/*). The session lives in an httpOnly cookie the page cannot
// read; the CSRF token comes in the session answers and goes back on every state-changing request.
import type { QueryClient } from '@tanstack/react-query';

export type Role = 'viewer' | 'operator' | 'admin';

export interface User {
  username: string;
  displayName: string;
  role: Role;
}

export interface Session {
  user: User;
  csrfToken: string;
}

export interface Channel {
  channelId: string;
  kind: string;
  displayName: string;
  state: 'closed' | 'half_open' | 'open' | 'forced_off';
  available: boolean;
  forcedOff: { by: string; at: string; reason: string } | null;
}

/** A non-2xx answer, with the error envelope's code and the Retry-After seconds of a 429. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryAfterSeconds: number | null;
  constructor(status: number, code: string, message: string, retryAfterSeconds: number | null) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

let csrfToken: string | null = null;
let onUnauthenticated: () => void = () => undefined;

/** Called on any 401 outside sign-in itself: the session is gone, back to the sign-in screen. */
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

// Exported for the screens' own api files (web/src/<screen>-api.ts): one place for the CSRF header and the 401.
export async function request<T>(method: string, path: string, body?: unknown, extraHeaders?: Record<string, string>): Promise<T> {
  const headers: Record<string, string> = { ...extraHeaders };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (response.ok) {
    return (response.status === 204 ? undefined : await response.json()) as T;
  }
  const envelope = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  const retryAfter = Number(response.headers.get('retry-after'));
  const error = new ApiError(
    response.status,
    envelope?.error?.code ?? 'unknown',
    envelope?.error?.message ?? response.statusText,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
  );
  if (response.status === 401 && path !== '/api/session') onUnauthenticated();
  throw error;
}

function remember(session: Session): Session {
  csrfToken = session.csrfToken;
  return session;
}

/** The current session, or null when there is none (a 401 here is an answer, not an error). */
export async function currentSession(): Promise<Session | null> {
  try {
    return remember(await request<Session>('GET', '/api/session'));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export async function signIn(username: string, password: string): Promise<Session> {
  return remember(await request<Session>('POST', '/api/session', { username, password }));
}

export async function signOut(): Promise<void> {
  try {
    await request<void>('DELETE', '/api/session');
  } finally {
    csrfToken = null;
  }
}

export async function listChannels(): Promise<Channel[]> {
  return (await request<{ channels: Channel[] }>('GET', '/api/channels')).channels;
}

export async function forceChannel(channelId: string, action: 'force-off' | 'force-on', reason: string): Promise<Channel> {
  return request<Channel>('POST', `/api/channels/${encodeURIComponent(channelId)}/${action}`, { reason });
}

export interface ParkedRow {
  eventId: string;
  type: string | null;
  topic: string;
  key: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  parkedAt: string;
  blockedBehind: number;
}

export interface ServiceParked {
  service: string;
  available: boolean;
  rows: ParkedRow[];
  error?: string;
}

export async function listParkedOutbox(): Promise<ServiceParked[]> {
  return (await request<{ services: ServiceParked[] }>('GET', '/api/outbox/parked')).services;
}

export async function replayParkedOutbox(service: string, eventId: string): Promise<{ eventId: string; status: 'unparked' }> {
  return request('POST', `/api/outbox/${encodeURIComponent(service)}/${encodeURIComponent(eventId)}/replay`);
}

/** The TanStack Query key of the session (null: signed out). */
export const SESSION_KEY = ['session'];

export const CHANNELS_KEY = ['channels'];

export const OUTBOX_KEY = ['outbox'];

/** Signed out (by the person or by the server): no session, and nothing read under the old one kept. */
export function forgetSession(queryClient: QueryClient): void {
  queryClient.setQueryData<Session | null>(SESSION_KEY, null);
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_KEY[0] });
}
