// The Reconciliation screen over payment orchestration's operator routes: a channel's day matched
// against its settlement file, and an operator resolving one of its exceptions. Reading is for every
// role; resolving needs the operator role (or admin) and is refused here before anything is sent.
// Orchestration writes the audit row, naming the person (x-operator-person).
import { ApiError } from '@gateway/contracts';
import type { Reconciliation, ReconciliationAction, ReconciliationException } from '@gateway/contracts';
import type { ServiceClient } from '../clients/service-client.ts';
import { hasRole } from '../domain/operators.ts';
import type { Operator } from '../domain/operators.ts';

export function getReconciliation(orchestration: ServiceClient, operator: Operator, day: { channelId: string; businessDate: string }): Promise<Reconciliation> {
  return orchestration.call('GET', `/v1/reconciliations/${encodeURIComponent(day.channelId)}/${encodeURIComponent(day.businessDate)}`, { person: operator.username });
}

/** Orchestration's 409s (already resolved, superseded, an action it cannot do yet) pass through with their message. */
export function resolveReconciliationException(
  orchestration: ServiceClient,
  operator: Operator,
  request: { exceptionId: string; action: ReconciliationAction; note: string },
): Promise<ReconciliationException> {
  if (!hasRole(operator.role, 'operator')) throw new ApiError('forbidden', 'Resolving a reconciliation exception needs the operator role.');
  return orchestration.call('POST', `/v1/reconciliation-exceptions/${encodeURIComponent(request.exceptionId)}/resolve`, {
    person: operator.username,
    body: { action: request.action, note: request.note },
  });
}
