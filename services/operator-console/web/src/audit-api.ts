// The Audit and Settings screens' calls (admin only; the backend answers the others 403).
import { request } from './api.ts';

export interface AuditEntry {
  /** The source: a service, or operator-console for the console's own sign-in events. */
  service: string;
  id: string;
  at: string;
  /** `operator-console/<username>` for a person acting through the console; a client id; or `unauthenticated`. */
  actor: string;
  action: string;
  target: string;
  detail: Record<string, unknown>;
  requestId: string | null;
}

export interface AuditPage {
  entries: AuditEntry[];
  sources: { service: string; available: boolean; error?: string }[];
  nextCursor: string | null;
}

export interface AuditFilter {
  service: string;
  actor: string;
  action: string;
}

export const AUDIT_SOURCES = ['billing', 'payment-orchestration', 'bank-adapter', 'notification', 'operator-console'] as const;

export function listAudit(filter: AuditFilter, cursor: string | undefined): Promise<AuditPage> {
  const params = new URLSearchParams({ limit: '50' });
  if (filter.service) params.set('service', filter.service);
  if (filter.actor.trim()) params.set('actor', filter.actor.trim());
  if (filter.action.trim()) params.set('action', filter.action.trim());
  if (cursor !== undefined) params.set('cursor', cursor);
  return request<AuditPage>('GET', `/api/audit?${params.toString()}`);
}

export interface Settings {
  consoleClientId: string;
  sessionIdleTimeoutMs: number;
  sessionMaxAgeMs: number;
  sessionCookieSecure: boolean;
  signInMaxFailures: number;
  signInLockoutMs: number;
  serviceTimeoutMs: number;
  consoleAuditMaxEntries: number;
  serviceUrls: Record<string, string>;
  operators: { username: string; displayName: string; role: string }[];
  services: { service: string; url: string; reachable: boolean; error?: string }[];
}

export function getSettings(): Promise<Settings> {
  return request<Settings>('GET', '/api/settings');
}
