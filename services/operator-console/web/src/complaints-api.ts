// The Complaints screen's calls: orchestration's complaint queue of one status (contracts' shapes,
// types only) and an operator's action on a complaint.
import type { ComplaintStatus, QueuedComplaint } from '@gateway/contracts';
import { request } from './api.ts';

export type { ComplaintStatus, QueuedComplaint };
export type ComplaintAction = 'assign' | 'resolve' | 'escalate' | 'reject';

export async function listComplaints(status: ComplaintStatus): Promise<QueuedComplaint[]> {
  const params = new URLSearchParams({ status });
  return (await request<{ complaints: QueuedComplaint[] }>('GET', `/api/complaints?${params.toString()}`)).complaints;
}

export function workComplaint(complaintId: string, action: ComplaintAction, note?: string): Promise<QueuedComplaint> {
  return request('POST', `/api/complaints/${encodeURIComponent(complaintId)}/${action}`, note === undefined ? {} : { note });
}
