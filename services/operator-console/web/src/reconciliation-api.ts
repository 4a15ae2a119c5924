// The Reconciliation screen's calls: orchestration's match of a channel's day against its settlement
// file (contracts' shapes, types only) and resolving an exception.
import type { Reconciliation, ReconciliationAction, ReconciliationException } from '@gateway/contracts';
import { request } from './api.ts';

export type { Reconciliation, ReconciliationAction, ReconciliationException };

export function getReconciliation(channelId: string, businessDate: string): Promise<Reconciliation> {
  return request('GET', `/api/reconciliations/${encodeURIComponent(channelId)}/${encodeURIComponent(businessDate)}`);
}

export function resolveException(exceptionId: string, action: ReconciliationAction, note: string): Promise<ReconciliationException> {
  return request('POST', `/api/reconciliation-exceptions/${encodeURIComponent(exceptionId)}/resolve`, { action, note });
}
