// The Complaints screen over payment orchestration's complaint queue: the complaints of one status,
// nearest due first, and an operator working one (assign to themselves, resolve, escalate, reject).
// Reading is for every role; acting needs the operator role (or admin) and is refused here before
// anything is sent. Orchestration audits the action and assigns to the person (x-operator-person).
import { ApiError } from '@gateway/contracts';
import type { ComplaintStatus, QueuedComplaint } from '@gateway/contracts';
import type { ServiceClient } from '../clients/service-client.ts';
import { hasRole } from '../domain/operators.ts';
import type { Operator } from '../domain/operators.ts';

export function listComplaints(orchestration: ServiceClient, operator: Operator, status: ComplaintStatus): Promise<{ complaints: QueuedComplaint[] }> {
  return orchestration.call('GET', `/v1/complaints?${new URLSearchParams({ status, limit: '100' }).toString()}`, { person: operator.username });
}

export function workComplaint(
  orchestration: ServiceClient,
  operator: Operator,
  request: { complaintId: string; action: 'assign' | 'resolve' | 'escalate' | 'reject'; note: string | undefined },
): Promise<QueuedComplaint> {
  if (!hasRole(operator.role, 'operator')) throw new ApiError('forbidden', 'Working a complaint needs the operator role.');
  return orchestration.call('POST', `/v1/complaints/${encodeURIComponent(request.complaintId)}/${request.action}`, {
    person: operator.username,
    body: request.note === undefined ? {} : { note: request.note },
  });
}
