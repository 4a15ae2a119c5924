// A complaint as this service keeps it, its turnaround clock and its public view. Pure: no I/O.
import type { ComplaintStatus, ComplaintType, ComplaintView, QueuedComplaint } from '@gateway/contracts';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

export type ComplaintRecord = {
  complaintId: string;
  clientId: string;
  type: ComplaintType;
  status: ComplaintStatus;
  paymentId: string | null;
  channelTxnId: string | null;
  intentId: string | null;
  accountNo: string | null;
  msisdn: string;
  description: string;
  dueBy: Date;
  resolution: string | null;
  evidence: Record<string, unknown> | null;
  /** The operator (client/person) working it, once assigned. */
  assignedTo: string | null;
  correlationId: string;
  createdAt: Date;
  updatedAt: Date;
};

/** The configured turnaround of each type, in milliseconds (config.ts COMPLAINT_TURNAROUND_*). */
export type ComplaintTurnarounds = Record<ComplaintType, number>;

export function dueByOf(type: ComplaintType, filedAt: Date, turnarounds: ComplaintTurnarounds): Date {
  return new Date(filedAt.getTime() + turnarounds[type]);
}

/**
 * A Syrian mobile number in E.164, or null when `input` is not one. Checked against libphonenumber's
 * numbering plan with the 'max' metadata (as billing and notification do): the default set cannot
 * tell a mobile from a fixed line, and the customer is answered by SMS.
 */
export function syrianMobile(input: string): string | null {
  const trimmed = input.trim();
  if (trimmed === '' || trimmed.length > 64) return null;
  const phone = parsePhoneNumberFromString(trimmed, 'SY');
  if (phone === undefined || phone.country !== 'SY' || !phone.isValid() || phone.getType() !== 'MOBILE') return null;
  return phone.number;
}

export function complaintView(c: ComplaintRecord): ComplaintView {
  return {
    complaintId: c.complaintId,
    type: c.type,
    status: c.status,
    paymentId: c.paymentId,
    channelTxnId: c.channelTxnId,
    intentId: c.intentId,
    accountNo: c.accountNo,
    msisdn: c.msisdn,
    description: c.description,
    dueBy: c.dueBy.toISOString(),
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    resolution: c.resolution,
    evidence: c.evidence,
  };
}

/** The snapshot every complaint.* event carries (no description: free text stays in this service). */
export function complaintEventPayload(c: ComplaintRecord) {
  return {
    complaintId: c.complaintId,
    clientId: c.clientId,
    type: c.type,
    status: c.status,
    paymentId: c.paymentId,
    channelTxnId: c.channelTxnId,
    intentId: c.intentId,
    accountNo: c.accountNo,
    msisdn: c.msisdn,
    dueBy: c.dueBy.toISOString(),
    createdAt: c.createdAt.toISOString(),
  };
}

export function queuedComplaintView(c: ComplaintRecord): QueuedComplaint {
  return { ...complaintView(c), clientId: c.clientId, assignedTo: c.assignedTo };
}

export type ComplaintAction = 'assign' | 'resolve' | 'escalate' | 'reject';

const target: Record<ComplaintAction, ComplaintStatus> = { assign: 'assigned', resolve: 'resolved', escalate: 'escalated', reject: 'rejected' };
const closed: readonly ComplaintStatus[] = ['resolved', 'rejected'];

/**
 * What an action does to a complaint in `status`: the new status, a repeat (the same action again: the
 * complaint is answered unchanged, so an operator's retry is harmless), or a refusal (a closed complaint
 * is not reopened or closed the other way).
 */
export function decideComplaintAction(status: ComplaintStatus, action: ComplaintAction): { kind: 'change'; to: ComplaintStatus } | { kind: 'repeat' } | { kind: 'refused' } {
  const to = target[action];
  if (status === to) return { kind: 'repeat' };
  if (closed.includes(status)) return { kind: 'refused' };
  return { kind: 'change', to };
}
