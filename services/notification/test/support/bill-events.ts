// The bill.issued and payment.completed events the notification tests feed: one bill of one holder,
// and the payment that settles it in full. Not a test file itself.
import type { EventOf } from '@gateway/contracts';
import { anEvent, uniqueName } from '@gateway/testkit';
import { v7 as uuidv7 } from 'uuid';

export function billFor(msisdn: string, locale: 'ar' | 'en' = 'ar'): EventOf<'bill.issued'> {
  return anEvent('bill.issued', {
    payload: { billId: uuidv7(), accountNo: '0112345678', holder: { class: 'individual', name: 'Rami Haddad', msisdn, entityId: null, locale } },
  });
}

export function paymentOf(bill: EventOf<'bill.issued'>): EventOf<'payment.completed'> {
  return anEvent('payment.completed', {
    payload: {
      paymentId: uuidv7(),
      receiptNo: uniqueName('R'),
      channelId: 'bank-one',
      accountNo: bill.payload.accountNo,
      allocations: [{ billId: bill.payload.billId, externalBillId: bill.payload.externalBillId, amount: { amount: 150_000, currency: 'SYP' } }],
    },
  });
}
