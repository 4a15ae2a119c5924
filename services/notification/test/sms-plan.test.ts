import { describe, expect, it } from '@jest/globals';
import { money } from '@gateway/contracts';
import { anEvent } from '@gateway/testkit';
import { awaitsContact, planSms } from '../src/domain/sms-plan.ts';
import type { BillContact, PlanContext } from '../src/domain/sms-plan.ts';
import { renderSms } from '../src/domain/sms-templates.ts';

const billId = '0197a0b2-5c3e-7d41-9a2b-3c4d5e6f7a81';
const holderMsisdn = '+963944123456';

function contact(over: Partial<BillContact> = {}): BillContact {
  return { billId, accountNo: '0112345678', msisdn: holderMsisdn, locale: 'ar', dueDate: '2026-05-31', amountDue: money(150_000, 'SYP'), status: 'open', ...over };
}

function ctx(contacts: BillContact[] = [contact()]): PlanContext {
  return {
    contacts: new Map(contacts.map((c) => [c.billId, c])),
    channelNames: { 'bank-one': { ar: 'بنك واحد', en: 'Bank One' } },
    billerNames: { 'civil-registry': { ar: 'الشؤون المدنية', en: 'Civil Registry' } },
    // Strict enough to prove the planner uses it: only +963 numbers are textable here.
    normalise: (m) => (m.startsWith('+963') ? m : m.startsWith('0') ? `+963${m.slice(1)}` : null),
  };
}

describe('planSms', () => {
  it('sends one urgent Arabic receipt for a payment, to the holder of the paid bill, naming the channel in Arabic', () => {
    const event = anEvent('payment.completed');
    const [sms, ...rest] = planSms(event, ctx());
    expect(rest).toEqual([]);
    expect(sms).toMatchObject({ recipient: holderMsisdn, template: 'payment_receipt', locale: 'ar', urgent: true, sourceEventId: event.eventId });
    expect(sms!.body).toBe(renderSms('payment_receipt', 'ar', { accountNo: '0112345678', amount: money(150_000, 'SYP'), receiptNo: 'R-20260520-000417', channel: 'بنك واحد' }));
    expect(sms!.dedupeKey).toBe(`payment_receipt:${event.payload.paymentId}:${holderMsisdn}`);
  });

  it('words a fee order\'s receipt and its issue with the authority\'s name and the orderRef, in each language, not as a phone bill', () => {
    const orderRef = 'FO-7K3M9Q2XH4PT';
    const order = contact({ accountNo: orderRef });
    const paid = anEvent('payment.completed', { payload: { billerId: 'civil-registry', accountNo: orderRef } });
    const [ar] = planSms(paid, ctx([order]));
    expect(ar!.body).toContain('لطلبك لدى الشؤون المدنية رقم FO-7K3M9Q2XH4PT');
    expect(ar!.body).not.toContain('للرقم');
    const [en] = planSms(paid, ctx([contact({ accountNo: orderRef, locale: 'en' })]));
    expect(en!.body).toBe(
      `Payment received: SYP 1,500.00 for your Civil Registry order ${orderRef} via Bank One. Receipt no. ${paid.payload.receiptNo}. Thank you.`,
    );
    const issued = anEvent('bill.issued', {
      payload: { billerId: 'civil-registry', accountNo: orderRef, dueDate: '2026-05-13', expiresAt: '2026-05-13T07:30:00.000Z', holder: { class: 'individual', name: 'Rami Haddad', msisdn: holderMsisdn, entityId: null, locale: 'en' } },
    });
    expect(planSms(issued, ctx([]))[0]!.body).toBe(
      // The expiry's day and time in Damascus (UTC+3).
      `The fee of your Civil Registry order ${orderRef} is SYP 1,500.00; pay it before 13 May 2026, 10:30. Pay electronically in your bank app or e-wallet.`,
    );
    // A fee order's debit given back (another payment paid the order, or it expired first) claims neither.
    const refunded = anEvent('intent.refunded', { payload: { billerId: 'civil-registry', accountNo: orderRef, payer: { msisdn: holderMsisdn, accountNo: null } } });
    const [back] = planSms(refunded, ctx([contact({ accountNo: orderRef, locale: 'en' })]));
    expect(back!.body).toBe(`The SYP 1,500.00 taken from you for your Civil Registry order ${orderRef} was given back: the order could no longer be paid with it.`);
    const reversed = anEvent('payment.reversed', { payload: { billerId: 'civil-registry', accountNo: orderRef } });
    expect(planSms(reversed, ctx([order]))[0]!.body).toContain('لطلبك لدى الشؤون المدنية رقم FO-7K3M9Q2XH4PT');
    // The telecom is not a fee biller: its receipt keeps the line's wording.
    expect(planSms(anEvent('payment.completed'), ctx())[0]!.body).toContain('للرقم 0112345678');
  });

  it('keys the receipt by payment, so the same payment under a new event id plans the same key', () => {
    const first = planSms(anEvent('payment.completed'), ctx());
    const again = planSms(anEvent('payment.completed'), ctx());
    expect(again[0]!.dedupeKey).toBe(first[0]!.dedupeKey);
    expect(again[0]!.sourceEventId).not.toBe(first[0]!.sourceEventId);
  });

  it('prefers the payer named in the payment, in the holder\'s language', () => {
    const event = anEvent('payment.completed', { payload: { payerMsisdn: '0933111222' } });
    const [sms] = planSms(event, ctx([contact({ locale: 'en' })]));
    expect(sms).toMatchObject({ recipient: '+963933111222', locale: 'en' });
    expect(sms!.body).toContain('via Bank One');
  });

  it('sends nothing when nobody can be reached, and falls back to the channel id for an unnamed channel', () => {
    expect(planSms(anEvent('payment.completed'), ctx([]))).toEqual([]);
    expect(planSms(anEvent('payment.completed'), ctx([contact({ msisdn: null })]))).toEqual([]);
    const unnamed = anEvent('payment.completed', { payload: { channelId: 'bank-new', clientId: 'bank-new' } });
    expect(planSms(unnamed, ctx())[0]!.body).toContain('bank-new');
  });

  it('texts the holder of a new bill, not urgent, and nothing for a bill with nothing due', () => {
    const [sms] = planSms(anEvent('bill.issued'), ctx([]));
    expect(sms).toMatchObject({ recipient: holderMsisdn, template: 'bill_issued', urgent: false, dedupeKey: `bill_issued:${billId}:${holderMsisdn}` });
    const zero = anEvent('bill.issued', { payload: { amountDue: { amount: 0, currency: 'SYP' }, paidAmount: { amount: 150_000, currency: 'SYP' }, status: 'paid' } });
    expect(planSms(zero, ctx([]))).toEqual([]);
  });

  it('keys a late fee by its fee id and an overdue notice by the day it became overdue', () => {
    const fee = anEvent('bill.late-fee-applied');
    expect(planSms(fee, ctx([]))[0]!.dedupeKey).toBe(`late_fee_applied:${fee.payload.fee.feeId}:${holderMsisdn}`);
    const overdue = anEvent('bill.overdue');
    expect(planSms(overdue, ctx([]))[0]!.dedupeKey).toBe(`bill_overdue:${billId}:${overdue.payload.overdueSince}:${holderMsisdn}`);
  });

  it('texts a settled bill only when the line is being restored', () => {
    expect(planSms(anEvent('bill.settled', { payload: { restoreService: false } }), ctx([]))).toEqual([]);
    expect(planSms(anEvent('bill.settled', { payload: { restoreService: true } }), ctx([]))[0]).toMatchObject({ template: 'bill_settled', urgent: true });
  });

  it('warns the payer of an intent whose outcome is unknown not to pay again, once per intent', () => {
    const event = anEvent('intent.unknown');
    const [sms] = planSms(event, ctx());
    expect(sms).toMatchObject({ template: 'intent_unknown', urgent: true, recipient: holderMsisdn, dedupeKey: `intent_unknown:${event.payload.intentId}:${holderMsisdn}` });
    expect(sms!.body).toContain('لا تدفع مجدداً');
  });

  it('tells the payer that a debit which bought nothing was given back, once per intent, in the holder\'s language', () => {
    const event = anEvent('intent.refunded');
    const [sms] = planSms(event, ctx());
    expect(sms).toMatchObject({ template: 'intent_refunded', urgent: true, dedupeKey: `intent_refunded:${event.payload.intentId}:${sms!.recipient}` });
    expect(sms!.body).toContain('أُعيد إليك');
    const [english] = planSms(event, ctx([contact({ locale: 'en' })]));
    expect(english!.body).toContain('was given back');
  });

  it('announces a reversal to the payer', () => {
    const event = anEvent('payment.reversed');
    expect(planSms(event, ctx())[0]).toMatchObject({ template: 'payment_reversed', dedupeKey: `payment_reversed:${event.payload.reversalId}:${holderMsisdn}` });
  });

  it('says a payment must wait when neither a payer nor any of its bills is known yet, and only then', () => {
    expect(awaitsContact(anEvent('payment.completed'), ctx([]))).toBe(true);
    expect(awaitsContact(anEvent('payment.completed'), ctx())).toBe(false);
    // Known bill without a mobile: nobody to text, and waiting would not change that.
    expect(awaitsContact(anEvent('payment.completed'), ctx([contact({ msisdn: null })]))).toBe(false);
    expect(awaitsContact(anEvent('payment.completed', { payload: { payerMsisdn: '0933111222' } }), ctx([]))).toBe(false);
    expect(awaitsContact(anEvent('intent.unknown', { payload: { payer: { msisdn: null, accountNo: '0112345678' } } }), ctx([]))).toBe(true);
    expect(awaitsContact(anEvent('bill.issued'), ctx([]))).toBe(false);
  });
});
