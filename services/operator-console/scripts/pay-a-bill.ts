// Makes one real payment on a running `npm start`, to watch it in the console: the biller imports a
// bill for a fresh Damascus account, a bank pays it through the channel API (both signed with the demo
// keys of infra/local/clients.json), and notification sends the receipt SMS. The same steps the
// browser tests take (web/tests/payments.ts), so what a new user tries is what the tests prove. With
// --fee the bill is a government fee instead: the citizen portal orders a criminal-record certificate
// from billing (POST /v1/fee-orders) and the bank pays the order by its orderRef.
//   node services/operator-console/scripts/pay-a-bill.ts [--channel bank-alpha|wallet-one|wallet-two] [--fee]
import { parseArgs } from 'node:util';
import { formatMoney, money } from '@gateway/contracts';
import { orderFee, payBill, waitForSms } from '../web/tests/payments.ts';
import type { ChannelId } from '../web/tests/stack.ts';

const { values } = parseArgs({ options: { channel: { type: 'string', default: 'bank-alpha' }, fee: { type: 'boolean', default: false } } });
const channels: readonly string[] = ['bank-alpha', 'wallet-one', 'wallet-two'];
if (!channels.includes(values.channel)) {
  console.error(`--channel must be one of ${channels.join(', ')}`);
  process.exit(2);
}
// npm start's ports (README, "The two commands").
const stack = { billingUrl: 'http://127.0.0.1:3001', orchestrationUrl: 'http://127.0.0.1:3002', notificationUrl: 'http://127.0.0.1:3004' };

const order = values.fee ? await orderFee(stack) : undefined;
if (order) console.log(`ordered a criminal-record certificate: ${order.orderRef} (${formatMoney(money(order.amount.amount, order.amount.currency), 'en')})`);
const paid = await payBill(stack, { channelId: values.channel as ChannelId, ...(order ? { bill: order } : {}) });
console.log(`paid ${formatMoney(money(paid.amount.amount, paid.amount.currency), 'en')} on account ${paid.accountNo} through ${paid.channelId}
  receipt     ${paid.receiptNo}
  payment     ${paid.paymentId}
  channel txn  ${paid.channelTxnId}
  subscriber  ${paid.msisdn}
find it: http://127.0.0.1:3000/#find?q=${encodeURIComponent(paid.receiptNo)}`);
try {
  const sms = await waitForSms(stack, paid.msisdn, { receiptNo: paid.receiptNo });
  console.log(`its SMS (${sms.state}): ${sms.body}`);
} catch {
  // Still queued (behind other SMS, or in quiet hours for a non-urgent one): the payment is made all the
  // same; the console's Messages screen shows why it waits.
  const queued = await waitForSms(stack, paid.msisdn, { receiptNo: paid.receiptNo, states: ['queued'], timeoutMs: 1_000 }).catch(() => null);
  console.log(queued ? 'its SMS is still queued; Messages in the console shows why it waits' : 'no receipt SMS yet; see Messages in the console');
}
