// The Audit and Settings screens' calls (admin only; the backend answers the others 403).
import type { SettingsView } from '../../src/flows/settings.flow.ts';
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

// The console's own shape (no service serves it): its flow's type, imported for its type only.
export type Settings = SettingsView;

export function getSettings(): Promise<Settings> {
  return request<Settings>('GET', '/api/settings');
}
