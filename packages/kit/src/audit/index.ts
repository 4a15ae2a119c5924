export { appendAudit, listAudit } from './pg-audit-store.ts';
export type { AuditEntry, AuditQuery, AuditRow } from './pg-audit-store.ts';
export {
  AUTH_REFUSED_ACTION,
  AUTH_REFUSED_OVERFLOW_ACTION,
  createRefusalAudit,
  defaultRefusalFlushIntervalMs,
  defaultRefusalMaxKeys,
  UNAUTHENTICATED_ACTOR,
} from './refusal-audit.ts';
export type { RefusalAudit, RefusalAuditOptions } from './refusal-audit.ts';
