import { describe, it, expect } from '@jest/globals';
import {
  billBatchBodySchema,
  billBatchRowSchema,
  billInquiryResponseSchema,
  businessDateSchema,
  clientsFileSchema,
  createIntentBodySchema,
  entityStatementQuerySchema,
  idempotencyKeySchema,
  paymentNotificationBodySchema,
  paymentNotificationResponseSchema,
} from '../src/index.ts';

describe('HTTP schemas', () => {
  it('Idempotency-Key: 1–255 visible ASCII', () => {
    expect(idempotencyKeySchema.safeParse('a').success).toBe(true);
    expect(idempotencyKeySchema.safeParse('!~'.repeat(127) + 'x').success).toBe(true);
    expect(idempotencyKeySchema.safeParse('x'.repeat(256)).success).toBe(false);
    expect(idempotencyKeySchema.safeParse('').success).toBe(false);
    expect(idempotencyKeySchema.safeParse('has space').success).toBe(false);
    expect(idempotencyKeySchema.safeParse('tab\t').success).toBe(false);
    expect(idempotencyKeySchema.safeParse('مفتاح').success).toBe(false);
  });

  it('business dates are YYYY-MM-DD and real', () => {
    expect(businessDateSchema.safeParse('2028-02-29').success).toBe(true);
    for (const bad of ['2026-02-29', '2026-02-30', '2026-13-01', '2026-04-31', '2026-5-1', '20260501', '2026-05-01T00:00:00Z']) {
      expect(businessDateSchema.safeParse(bad).success).toBe(false);
    }
    expect(entityStatementQuerySchema.safeParse({ period: '2026-05' }).success).toBe(true);
    expect(entityStatementQuerySchema.safeParse({ period: '2026-13' }).success).toBe(false);
  });

  it('payment notification body and response', () => {
    const body = {
      channelTxnId: 'B1-1',
      billerId: 'ste-landline',
      accountNo: '0112345678',
      amount: { amount: 150000, currency: 'SYP' },
      paidAt: '2026-05-20T09:14:02Z',
    };
    expect(paymentNotificationBodySchema.parse(body)).toEqual(body);
    expect(paymentNotificationBodySchema.safeParse({ ...body, amount: { amount: 1500.5, currency: 'SYP' } }).success).toBe(false);
    expect(
      paymentNotificationResponseSchema.safeParse({
        paymentId: 'p1',
        receiptNo: 'R-1',
        status: 'completed',
        allocations: [{ billId: 'b1', amount: { amount: 150000, currency: 'SYP' } }],
        amount: { amount: 150000, currency: 'SYP' },
        fee: { amount: 0, currency: 'SYP' },
      }).success,
    ).toBe(true);
  });

  it('bill inquiry response', () => {
    const m = { amount: 150000, currency: 'SYP' };
    expect(
      billInquiryResponseSchema.safeParse({
        accountNo: '0112345678',
        holderName: 'R*** H*****',
        bills: [
          {
            billId: 'b1',
            period: { from: '2026-03-01', to: '2026-04-30' },
            issueDate: '2026-05-01',
            dueDate: '2026-05-31',
            amountDue: m,
            lateFee: { amount: 0, currency: 'SYP' },
            allowPartial: false,
            minAmount: m,
            maxAmount: m,
          },
        ],
        inquiryRef: 'INQ-1',
        inquiryExpiresAt: '2026-05-20T09:20:00Z',
      }).success,
    ).toBe(true);
  });

  it('intent payer needs an msisdn or an account', () => {
    const body = { billerId: 'b', accountNo: '0112345678', amount: { amount: 1, currency: 'SYP' }, channelId: 'wallet-one' };
    expect(createIntentBodySchema.safeParse({ ...body, payer: { msisdn: '+963944123456' } }).success).toBe(true);
    expect(createIntentBodySchema.safeParse({ ...body, payer: {} }).success).toBe(false);
  });

  it('bill batches validate rows one by one', () => {
    const row = {
      externalBillId: 'E1',
      accountNo: '0112345678',
      period: { from: '2026-03-01', to: '2026-04-30' },
      issueDate: '2026-05-01',
      dueDate: '2026-05-31',
      amount: { amount: 150000, currency: 'SYP' },
      holder: { name: 'Rami', class: 'individual', msisdn: '+963944123456' },
    };
    const batch = billBatchBodySchema.parse({ batchId: 'cycle-2026-05', bills: [row, { externalBillId: 'E2' }] });
    const results = batch.bills.map((r) => billBatchRowSchema.safeParse(r).success);
    expect(results).toEqual([true, false]);
    expect(billBatchRowSchema.safeParse({ ...row, period: { from: '2026-05-01', to: '2026-04-01' } }).success).toBe(false);
    expect(billBatchRowSchema.safeParse({ ...row, dueDate: '2026-04-01' }).success).toBe(false);
  });
});

describe('clients.json', () => {
  const key = { keyId: 'k1', secret: Buffer.from('a secret hmac key of 32 bytes...').toString('base64') };

  it('accepts the documented shape', () => {
    const clients = [
      { clientId: 'bank-one', kind: 'channel', channelId: 'bank-one', keys: [key] },
      { clientId: 'citizen-portal', kind: 'portal', keys: [{ ...key, keyId: 'k2' }] },
    ];
    expect(clientsFileSchema.parse(clients)).toEqual(clients);
  });

  it('requires channelId exactly for channel clients, base64 secrets and unique ids', () => {
    expect(clientsFileSchema.safeParse([{ clientId: 'c', kind: 'channel', keys: [key] }]).error?.issues[0]?.path).toEqual([0, 'channelId']);
    expect(clientsFileSchema.safeParse([{ clientId: 'c', kind: 'portal', channelId: 'x', keys: [key] }]).success).toBe(false);
    expect(clientsFileSchema.safeParse([{ clientId: 'c', kind: 'portal', keys: [{ keyId: 'k', secret: 'not base64!' }] }]).success).toBe(false);
    expect(
      clientsFileSchema.safeParse([
        { clientId: 'c', kind: 'portal', keys: [key] },
        { clientId: 'd', kind: 'operator', keys: [key] },
      ]).success,
    ).toBe(false);
  });
});
