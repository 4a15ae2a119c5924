// Real payments for the browser specs, made as the system's clients make them (signed with the demo
// keys of infra/local/clients.json, bench/signed-client.ts): the biller imports one bill for a fresh
// account, orchestration's read model comes to see it, a channel pays it through the channel API. So a
// spec can then look for that payment, its receipt and its SMS in the console.
import { randomInt } from 'node:crypto';
import { benchBill, keyOf, send } from '../../../../bench/signed-client.ts';
import type { ChannelId, StackInfo } from './stack.ts';

type Urls = Pick<StackInfo, 'billingUrl' | 'orchestrationUrl' | 'notificationUrl'>;
export type Money = { amount: number; currency: 'SYP' };

export interface ImportedBill {
  /** A Damascus landline (011 + 7 digits): the account number carries its governorate, as the biller's do. */
  accountNo: string;
  /** The holder's Syrian mobile (+9639…), where the receipt SMS goes. */
  msisdn: string;
  billId: string;
  externalBillId: string;
  amount: Money;
  /** The biller the bill is of: the telecom's for importBill, the fee biller's for orderFee. */
  billerId: string;
}

export interface PaidBill {
  accountNo: string;
  msisdn: string;
  billId: string;
  paymentId: string;
  receiptNo: string;
  channelTxnId: string;
  amount: Money;
  channelId: ChannelId;
}

/** One SMS as notification's GET /v1/messages lists it (the fields specs read; docs/api.md has the rest). */
export interface SmsMessage {
  messageId: string;
  template: string;
  state: 'queued' | 'submitted' | 'delivered' | 'failed' | 'expired' | 'suppressed';
  body: string;
  accountNo: string | null;
  parts: { seq: number; smscMessageId: string; state: string }[];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value (not undefined), or throws `what` after `timeoutMs`. */
async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await sleep(250);
  }
}

/**
 * Imports one bill of 1,500.00 SYP (benchBill's) for a fresh account with a holder of its own mobile,
 * as the biller (`POST /v1/bill-batches`), then waits until orchestration answers it (`GET /v1/bills`).
 */
export async function importBill(stack: Urls, options: { timeoutMs?: number } = {}): Promise<ImportedBill> {
  // Random, so spec files (each its own worker process) never share an account or a handset.
  const n = randomInt(10_000_000);
  const accountNo = `011${String(n).padStart(7, '0')}`;
  const externalBillId = `pw-${accountNo}-${randomInt(1_000_000)}`;
  const bill = benchBill(externalBillId, accountNo, n, { dueDate: '2099-12-31', who: 'Browser', numberPrefix: '+96393' });
  const imported = await send('POST', `${stack.billingUrl}/v1/bill-batches`, keyOf('telecom-billing'), { batchId: externalBillId, bills: [bill] });
  const accepted = (imported.json as { accepted?: { billId: string }[] } | null)?.accepted ?? [];
  if (imported.status !== 202 || accepted.length !== 1) throw new Error(`bill import answered ${imported.status}: ${JSON.stringify(imported.json)}`);
  const billId = accepted[0]!.billId;
  await until(`bill ${billId} not seen by orchestration`, options.timeoutMs ?? 30_000, async () => {
    const seen = await send('GET', `${stack.orchestrationUrl}/v1/bills?billerId=telecom&accountNo=${accountNo}`, keyOf('bank-alpha'));
    const bills = (seen.json as { bills?: { billId: string }[] } | null)?.bills ?? [];
    return seen.status === 200 && bills.some((b) => b.billId === billId) ? true : undefined;
  });
  return { accountNo, msisdn: bill.holder.msisdn, billId, externalBillId, amount: { amount: bill.amount.amount, currency: 'SYP' }, billerId: 'telecom' };
}

/**
 * Orders a government fee for a fresh applicant as the citizen portal (`POST /v1/fee-orders` at billing),
 * then waits until orchestration presents it like any bill (`GET /v1/bills?billerId=&accountNo=<orderRef>`).
 * The order's bill comes back as an ImportedBill (its accountNo is the orderRef), for payBill.
 */
export async function orderFee(stack: Urls, options: { billerId?: string; serviceCode?: string; timeoutMs?: number } = {}): Promise<ImportedBill & { orderRef: string }> {
  const billerId = options.billerId ?? 'civil-registry';
  const n = randomInt(10_000_000);
  const msisdn = `+96393${String(n).padStart(7, '0')}`;
  const applicant = { nationalId: String(randomInt(10_000_000_000)).padStart(11, '0'), name: `Browser applicant ${n}`, msisdn };
  const ordered = await send('POST', `${stack.billingUrl}/v1/fee-orders`, keyOf('citizen-portal'), { billerId, serviceCode: options.serviceCode ?? 'criminal-record', applicant });
  const order = ordered.json as { orderRef?: string; amount?: Money } | null;
  if (ordered.status !== 201 || !order?.orderRef || !order.amount) throw new Error(`fee order answered ${ordered.status}: ${JSON.stringify(ordered.json)}`);
  const orderRef = order.orderRef;
  const billId = await until(`fee order ${orderRef} not seen by orchestration`, options.timeoutMs ?? 30_000, async () => {
    const seen = await send('GET', `${stack.orchestrationUrl}/v1/bills?billerId=${billerId}&accountNo=${orderRef}`, keyOf('bank-alpha'));
    return seen.status === 200 ? (seen.json as { bills?: { billId: string }[] }).bills?.[0]?.billId : undefined;
  });
  return { orderRef, accountNo: orderRef, msisdn, billId, externalBillId: orderRef, amount: order.amount, billerId };
}

/**
 * Pays a bill in full through the channel API (`POST /v1/payments`, signed as the channel's client):
 * the given one, or a fresh one from importBill. Throws unless the payment is 201 completed.
 */
export async function payBill(stack: Urls, options: { channelId?: ChannelId; bill?: ImportedBill } = {}): Promise<PaidBill> {
  const channelId = options.channelId ?? 'bank-alpha';
  const bill = options.bill ?? (await importBill(stack));
  const channelTxnId = `pw-${channelId}-${bill.accountNo}-${randomInt(1_000_000)}`;
  const paid = await send('POST', `${stack.orchestrationUrl}/v1/payments`, keyOf(channelId), {
    channelTxnId,
    billerId: bill.billerId,
    accountNo: bill.accountNo,
    billIds: [bill.billId],
    amount: bill.amount,
    paidAt: new Date().toISOString(),
  });
  const body = paid.json as { paymentId?: string; receiptNo?: string; status?: string } | null;
  if (paid.status !== 201 || !body?.paymentId || !body.receiptNo) throw new Error(`payment answered ${paid.status}: ${JSON.stringify(paid.json)}`);
  return { accountNo: bill.accountNo, msisdn: bill.msisdn, billId: bill.billId, paymentId: body.paymentId, receiptNo: body.receiptNo, channelTxnId, amount: bill.amount, channelId };
}

/**
 * Waits until notification holds an SMS to `msisdn` that passes `match` (by default: any whose text
 * names `receiptNo`, when given) in one of `states` (by default any state past queued: submitted to
 * the SMSC or delivered), asking `GET /v1/messages?to=` as the demo operator client. Returns it.
 */
export async function waitForSms(
  stack: Urls,
  msisdn: string,
  options: { receiptNo?: string; states?: SmsMessage['state'][]; timeoutMs?: number } = {},
): Promise<SmsMessage> {
  const states = options.states ?? ['submitted', 'delivered'];
  return until(`no SMS to ${msisdn}${options.receiptNo ? ` naming ${options.receiptNo}` : ''} in state ${states.join('/')}`, options.timeoutMs ?? 30_000, async () => {
    const answer = await send('GET', `${stack.notificationUrl}/v1/messages?to=${encodeURIComponent(msisdn)}`, keyOf('ops-console'));
    if (answer.status !== 200) throw new Error(`GET /v1/messages answered ${answer.status}: ${JSON.stringify(answer.json)}`);
    const messages = (answer.json as { messages: SmsMessage[] }).messages;
    return messages.find((m) => states.includes(m.state) && (options.receiptNo === undefined || m.body.includes(options.receiptNo)));
  });
}
