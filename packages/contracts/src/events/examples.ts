// Realistic example payloads, one per event type and version. They are part of the catalogue: the
// AsyncAPI document shows them to the telecom's integrators, and the tests round-trip every one, so
// an example that drifts from its schema fails the build.
import type { z } from 'zod';
import type * as billSchemas from './payloads/bill.ts';
import type * as paymentSchemas from './payloads/payment.ts';
import type * as intentSchemas from './payloads/intent.ts';
import type * as channelSchemas from './payloads/channel.ts';
import type * as notificationSchemas from './payloads/notification.ts';
import type * as complaintSchemas from './payloads/complaint.ts';
import type * as reconciliationSchemas from './payloads/reconciliation.ts';

type In<T extends z.ZodType> = z.input<T>;
const syp = (amount: number) => ({ amount, currency: 'SYP' as const });

const ids = {
  bill: '0197a0b2-5c3e-7d41-9a2b-3c4d5e6f7a81',
  payment: '0197a0b3-1f20-7a10-8b11-2c3d4e5f6a70',
  reversal: '0197a0b9-0a11-7c22-9d33-4e5f6a7b8c90',
  intent: '0197a0b1-7e6d-7c5b-8a49-38271605f4e3',
  message: '0197a0b4-2a3b-7c4d-9e5f-6a7b8c9d0e1f',
  fee: '0197a0b5-3b4c-7d5e-8f60-7a8b9c0d1e2f',
  prevPayment: '0197a0a9-4c5d-7e6f-8a70-8b9c0d1e2f30',
};

const holder: In<typeof billSchemas.billHolderSchema> = {
  class: 'individual',
  name: 'Rami Haddad',
  msisdn: '+963944123456',
  entityId: null,
  locale: 'ar',
};

const bill: In<typeof billSchemas.billSnapshotSchema> = {
  billId: ids.bill,
  externalBillId: 'STE-2026-05-0112345678',
  billerId: 'ste-landline',
  accountNo: '0112345678',
  governorate: 'damascus',
  period: { from: '2026-03-01', to: '2026-04-30' },
  issueDate: '2026-05-01',
  dueDate: '2026-05-31',
  amount: syp(150000),
  lateFee: syp(0),
  paidAmount: syp(0),
  amountDue: syp(150000),
  allowPartial: false,
  minAmount: syp(150000),
  maxAmount: syp(150000),
  essential: true,
  holder,
  status: 'open',
  revision: 1,
};

export const billIssuedExample: In<typeof billSchemas.billIssuedV1> = {
  ...bill,
  lines: [
    { code: 'RENT', description: 'Line rental, two months', amount: syp(60000) },
    { code: 'CALLS', description: 'Local and national calls', amount: syp(90000) },
  ],
};

export const billLateFeeAppliedExample: In<typeof billSchemas.billLateFeeAppliedV1> = {
  ...bill,
  lateFee: syp(7500),
  amountDue: syp(157500),
  minAmount: syp(157500),
  maxAmount: syp(157500),
  status: 'overdue',
  revision: 3,
  fee: { feeId: ids.fee, step: 1, amount: syp(7500), appliedOn: '2026-07-01', policy: 'individual-5pct-after-30d' },
};

export const billOverdueExample: In<typeof billSchemas.billOverdueV1> = {
  ...bill,
  status: 'overdue',
  revision: 2,
  overdueSince: '2026-06-01',
  suspensionDate: '2026-06-22',
  suspensionKind: 'one_way',
};

export const billSettledExample: In<typeof billSchemas.billSettledV1> = {
  ...bill,
  paidAmount: syp(150000),
  amountDue: syp(0),
  minAmount: syp(0),
  maxAmount: syp(0),
  status: 'paid',
  revision: 4,
  settledAt: '2026-05-20T09:14:03.120Z',
  paymentIds: [ids.payment],
  restoreService: false,
};

export const billReopenedExample: In<typeof billSchemas.billReopenedV1> = {
  ...bill,
  revision: 5,
  reopenedAt: '2026-05-20T11:02:45.000Z',
  paymentId: ids.payment,
  reversalId: ids.reversal,
  reason: 'Customer debited twice at the bank; payment reversed before cut-off',
};

const payment: In<typeof paymentSchemas.paymentCompletedV1> = {
  paymentId: ids.payment,
  receiptNo: 'R-20260520-000417',
  source: 'channel',
  clientId: 'bank-one',
  channelId: 'bank-one',
  channelTxnId: 'B1-88213409',
  billerId: 'ste-landline',
  accountNo: '0112345678',
  amount: syp(150000),
  fee: syp(0),
  allocations: [{ billId: ids.bill, externalBillId: 'STE-2026-05-0112345678', amount: syp(150000) }],
  paidAt: '2026-05-20T09:14:02.000Z',
  businessDate: '2026-05-20',
  intentId: null,
  inquiryRef: 'INQ-7Q2M9X',
  payerMsisdn: null,
};

export const paymentCompletedExample = payment;

export const paymentReversedExample: In<typeof paymentSchemas.paymentReversedV1> = {
  ...payment,
  reversalId: ids.reversal,
  reason: 'Customer debited twice at the bank',
  reversedAt: '2026-05-20T11:02:44.500Z',
  reversalBusinessDate: '2026-05-20',
};

const intent: In<typeof intentSchemas.intentCreatedV1> = {
  intentId: ids.intent,
  clientId: 'citizen-portal',
  billerId: 'ste-landline',
  accountNo: '0112345678',
  billIds: [ids.bill],
  amount: syp(150000),
  fee: syp(0),
  channelId: 'wallet-one',
  payer: { msisdn: '+963944123456', accountNo: null },
  status: 'processing',
  createdAt: '2026-05-20T09:10:00.000Z',
  expiresAt: '2026-05-20T09:25:00.000Z',
};

export const intentCreatedExample = intent;

export const intentRequiresConfirmationExample: In<typeof intentSchemas.intentRequiresConfirmationV1> = {
  ...intent,
  status: 'requires_confirmation',
  nextAction: { type: 'otp', otpLength: 6, attemptsLeft: null, expiresAt: '2026-05-20T09:15:00.000Z' },
};

export const intentSucceededExample: In<typeof intentSchemas.intentSucceededV1> = {
  ...intent,
  status: 'succeeded',
  paymentId: ids.payment,
  receiptNo: 'R-20260520-000417',
  channelTxnId: 'W1-5521907',
  succeededAt: '2026-05-20T09:11:12.000Z',
};

export const intentFailedExample: In<typeof intentSchemas.intentFailedV1> = {
  ...intent,
  status: 'failed',
  failure: { reason: 'insufficient_funds', message: 'The wallet balance is too low', channelCode: 'E51' },
  failedAt: '2026-05-20T09:10:04.000Z',
};

export const intentCanceledExample: In<typeof intentSchemas.intentCanceledV1> = {
  ...intent,
  status: 'canceled',
  canceledAt: '2026-05-20T09:12:00.000Z',
  reason: 'Canceled by the payer on the portal',
};

export const intentUnknownExample: In<typeof intentSchemas.intentUnknownV1> = {
  ...intent,
  status: 'unknown',
  since: '2026-05-20T09:10:30.000Z',
  lastError: 'channel timeout after 10000 ms',
};

export const intentReconciliationRequiredExample: In<typeof intentSchemas.intentReconciliationRequiredV1> = {
  ...intent,
  status: 'unknown',
  reason: 'status inquiry exhausted without an answer',
  attempts: 8,
  since: '2026-05-20T09:10:30.000Z',
};

export const intentRefundedExample: In<typeof intentSchemas.intentRefundedV1> = {
  ...intent,
  status: 'canceled',
  refunded: syp(150000),
  channelTxnId: 'W1-TXN-7781',
  reversalId: 'W1-REV-0042',
  refundedAt: '2026-05-20T09:14:00.000Z',
};

const command: { intentId: string; channelId: string; reference: string } = { intentId: ids.intent, channelId: 'wallet-one', reference: 'PI-0197a0b1-7e6d' };

export const channelDebitRequestedExample: In<typeof channelSchemas.channelDebitRequestedV1> = {
  ...command,
  amount: syp(150000),
  payer: { msisdn: '+963944123456', accountNo: null },
  billerId: 'ste-landline',
  accountNo: '0112345678',
  description: 'Landline bill 0112345678, Mar–Apr 2026',
  requestedAt: '2026-05-20T09:10:00.100Z',
  expiresAt: '2026-05-20T09:25:00.000Z',
};

export const channelOtpSubmittedExample: In<typeof channelSchemas.channelOtpSubmittedV1> = {
  ...command,
  otp: '123456',
  channelRef: 'W1-RTP-99812',
  submittedAt: '2026-05-20T09:11:05.000Z',
};

export const channelStatusRequestedExample: In<typeof channelSchemas.channelStatusRequestedV1> = {
  ...command,
  channelRef: 'W1-RTP-99812',
  reason: 'timeout',
  requestedAt: '2026-05-20T09:10:40.000Z',
};

export const channelDebitSucceededExample: In<typeof channelSchemas.channelDebitSucceededV1> = {
  ...command,
  channelTxnId: 'W1-5521907',
  amount: syp(150000),
  debitedAt: '2026-05-20T09:11:10.000Z',
};

export const channelDebitFailedExample: In<typeof channelSchemas.channelDebitFailedV1> = {
  ...command,
  reason: 'channel_unavailable',
  message: 'circuit breaker open for wallet-one',
  channelCode: null,
  moneyMoved: false,
  failedAt: '2026-05-20T09:10:00.200Z',
};

export const channelOtpRequiredExample: In<typeof channelSchemas.channelOtpRequiredV1> = {
  ...command,
  channelRef: 'W1-RTP-99812',
  otpLength: 6,
  reason: 'initial',
  attemptsLeft: 3,
  expiresAt: '2026-05-20T09:15:00.000Z',
};

export const channelDebitUnknownExample: In<typeof channelSchemas.channelDebitUnknownV1> = {
  ...command,
  channelRef: 'W1-RTP-99812',
  stage: 'resolving',
  attempts: 2,
  since: '2026-05-20T09:10:30.000Z',
  lastError: 'timeout after 10000 ms',
};

export const channelRefundRequestedExample: In<typeof channelSchemas.channelRefundRequestedV1> = {
  ...command,
  channelTxnId: 'W1-TXN-7781',
  amount: syp(150000),
  reason: 'The bill was paid by another channel meanwhile: bill_already_paid',
  requestedAt: '2026-05-20T09:13:00.000Z',
};

export const channelRefundSucceededExample: In<typeof channelSchemas.channelRefundSucceededV1> = {
  ...command,
  channelTxnId: 'W1-TXN-7781',
  amount: syp(150000),
  reversalId: 'W1-REV-0042',
  refundedAt: '2026-05-20T09:14:00.000Z',
};

export const channelRefundFailedExample: In<typeof channelSchemas.channelRefundFailedV1> = {
  ...command,
  channelTxnId: 'W1-TXN-7781',
  message: 'The channel refused the reversal (422).',
  channelCode: 'reversal_refused',
  failedAt: '2026-05-20T09:14:00.000Z',
};

export const channelRefundUnknownExample: In<typeof channelSchemas.channelRefundUnknownV1> = {
  ...command,
  channelTxnId: 'W1-TXN-7781',
  stage: 'resolving',
  attempts: 1,
  since: '2026-05-20T09:13:30.000Z',
  lastError: 'timeout after 10000 ms',
};

export const channelHealthChangedExample: In<typeof channelSchemas.channelHealthChangedV1> = {
  channelId: 'wallet-two',
  state: 'open',
  previousState: 'closed',
  changedAt: '2026-05-20T09:30:00.000Z',
  reason: '55% of 20 calls failed within 10 s',
};

export const channelHealthReportedExample: In<typeof channelSchemas.channelHealthReportedV1> = {
  channelId: 'wallet-two',
  state: 'open',
  since: '2026-05-20T09:30:00.000Z',
  reportedAt: '2026-05-20T09:31:00.000Z',
};

export const channelSettlementFileFetchedExample: In<typeof channelSchemas.channelSettlementFileFetchedV1> = {
  channelId: 'bank-alpha',
  businessDate: '2026-05-20',
  fileId: '0197a0f0-0a1b-7c2d-8e3f-4a5b6c7d8e9f',
  fetchedAt: '2026-05-20T21:30:02.000Z',
  sha256: '9f2b5c1e7a3d4f60b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5',
  rowCount: 3,
  totals: [
    { currency: 'SYP', status: 'succeeded', count: 2, amount: syp(300000) },
    { currency: 'SYP', status: 'reversed', count: 1, amount: syp(150000) },
  ],
  location: '/v1/settlement-files/bank-alpha/2026-05-20',
};

const sms: Omit<In<typeof notificationSchemas.notificationSmsDeliveredV1>, "smscMessageId" | "deliveredAt"> = {
  messageId: ids.message,
  to: '+963944123456',
  template: 'payment_receipt',
  locale: 'ar',
  accountNo: '0112345678',
  sourceEventId: '0197a0b3-2a31-7b42-8c53-9d6e7f809a1b',
  campaignId: null,
};

export const notificationSmsSentExample: In<typeof notificationSchemas.notificationSmsSentV1> = {
  ...sms,
  encoding: 'ucs2',
  segments: 2,
  smscMessageIds: ['SMSC-1001', 'SMSC-1002'],
  sentAt: '2026-05-20T09:14:04.000Z',
};

export const notificationSmsDeliveredExample: In<typeof notificationSchemas.notificationSmsDeliveredV1> = {
  ...sms,
  smscMessageId: 'SMSC-1002',
  deliveredAt: '2026-05-20T09:14:09.000Z',
};

export const notificationSmsFailedExample: In<typeof notificationSchemas.notificationSmsFailedV1> = {
  ...sms,
  state: 'expired',
  reason: 'handset unreachable until validity period ended',
  errorCode: '0x00000400',
  failedAt: '2026-05-21T09:14:04.000Z',
};

export const complaintLoggedExample: In<typeof complaintSchemas.complaintLoggedV1> = {
  complaintId: 'cmp_0197a0c1-2b3c-7d4e-8f50-6a7b8c9d0e1f',
  clientId: 'citizen-portal',
  type: 'paid_not_settled',
  status: 'logged',
  paymentId: `pay_${ids.payment}`,
  channelTxnId: null,
  intentId: null,
  accountNo: '0112345678',
  msisdn: '+963944123456',
  dueBy: '2026-05-21T09:20:00.000Z',
  createdAt: '2026-05-20T09:20:00.000Z',
};

export const complaintResolvedExample: In<typeof complaintSchemas.complaintResolvedV1> = {
  ...complaintLoggedExample,
  status: 'resolved',
  resolution: 'Billing settled the bill on 2026-05-20 (receipt RC-20260520-000042): the line is restored.',
  resolvedBy: 'automatic-check',
  resolvedAt: '2026-05-20T09:20:00.000Z',
};

export const complaintAssignedExample: In<typeof complaintSchemas.complaintAssignedV1> = {
  ...complaintLoggedExample,
  type: 'double_debit',
  status: 'assigned',
  assignedTo: 'operator-console/rana',
  assignedAt: '2026-05-20T10:00:00.000Z',
};

export const complaintEscalatedExample: In<typeof complaintSchemas.complaintEscalatedV1> = {
  ...complaintLoggedExample,
  type: 'double_debit',
  status: 'escalated',
  reason: 'due',
  escalatedBy: 'turnaround-clock',
  escalatedAt: '2026-05-23T09:20:05.000Z',
};

export const complaintRejectedExample: In<typeof complaintSchemas.complaintRejectedV1> = {
  ...complaintLoggedExample,
  type: 'wrong_amount',
  status: 'rejected',
  resolution: 'The amount paid is the bill’s amount due on the day of payment.',
  rejectedBy: 'operator-console/rana',
  rejectedAt: '2026-05-20T11:00:00.000Z',
};

export const reconciliationFileMissingExample: In<typeof reconciliationSchemas.reconciliationFileMissingV1> = {
  channelId: 'bank-alpha',
  businessDate: '2026-05-22',
  deadline: '2026-05-23T03:00:00.000Z',
  detectedAt: '2026-05-23T03:00:04.000Z',
};
