// The configured turnaround of each complaint type (config.ts COMPLAINT_TURNAROUND_*), as the domain takes it.
import type { PaymentOrchestrationConfig } from '../config.ts';
import type { ComplaintTurnarounds } from '../domain/complaint.ts';

export function complaintTurnarounds(config: PaymentOrchestrationConfig): ComplaintTurnarounds {
  return {
    paid_not_settled: config.COMPLAINT_TURNAROUND_PAID_NOT_SETTLED,
    double_debit: config.COMPLAINT_TURNAROUND_DOUBLE_DEBIT,
    wrong_amount: config.COMPLAINT_TURNAROUND_WRONG_AMOUNT,
    refund_not_received: config.COMPLAINT_TURNAROUND_REFUND_NOT_RECEIVED,
    no_sms: config.COMPLAINT_TURNAROUND_NO_SMS,
  };
}
