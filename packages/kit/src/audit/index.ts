export { appendAudit, auditOf } from './pg-audit-store.ts';
export type { AuditEntry, AuditRow } from './pg-audit-store.ts';
