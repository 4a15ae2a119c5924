// Which identifier an operator typed in "Find a payment": the shapes payment orchestration mints
// (receipt RC-YYYYMMDD-NNNNNN, pay_/pi_ + UUID), a Syrian mobile as people write it (+963 9…, 00963 9…,
// 09…), and anything else, which may be a channel's transaction id or an account number (a landline
// such as 0112345678 is both plausible), so both are asked. Pure.

export type SearchKey = 'receiptNo' | 'channelTxnId' | 'paymentId' | 'intentId' | 'accountNo' | 'msisdn';

const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const receiptPattern = /^RC-\d{8}-\d{6,}$/i;
const paymentPattern = new RegExp(`^pay_${uuid}$`, 'i');
const intentPattern = new RegExp(`^pi_${uuid}$`, 'i');
// Syrian mobiles are 9 followed by eight digits after the country code or the trunk 0.
const mobilePattern = /^(?:\+963|00963|963|0)9\d{8}$/;

/** The searches to run for `q`, each as (key, value); empty when `q` is blank. */
export function searchesFor(q: string): { key: SearchKey; value: string }[] {
  const value = q.trim();
  if (value === '') return [];
  if (receiptPattern.test(value)) return [{ key: 'receiptNo', value: value.toUpperCase() }];
  if (paymentPattern.test(value)) return [{ key: 'paymentId', value }];
  if (intentPattern.test(value)) return [{ key: 'intentId', value }];
  const compact = value.replace(/[\s\-()]/g, '');
  if (mobilePattern.test(compact)) return [{ key: 'msisdn', value: compact }];
  return [
    { key: 'channelTxnId', value },
    { key: 'accountNo', value },
  ];
}

/** A timeline id the console accepts: a payment's or an intent's. */
export function isTimelineId(id: string): boolean {
  return paymentPattern.test(id) || intentPattern.test(id);
}
