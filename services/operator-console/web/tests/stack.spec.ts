// The browser tests' stack is the whole system (global-setup.ts, stack.ts): a bill imported by the
// biller and paid through the channel API gets its receipt, and its SMS reaches the SMSC simulator
// through notification. Also the proof that payments.ts, which the screens' specs build on, works.
import { expect, test } from '@playwright/test';
import { payBill, waitForSms } from './payments.ts';
import type { StackInfo } from './stack.ts';

const stack = JSON.parse(process.env['STACK_INFO'] ?? 'null') as StackInfo;

test('a bill paid through the channel API gets its receipt, and its SMS reaches the SMSC', async () => {
  const paid = await payBill(stack, { channelId: 'wallet-one' });
  expect(paid).toMatchObject({ channelId: 'wallet-one', amount: { amount: 150_000, currency: 'SYP' } });
  expect(paid.accountNo).toMatch(/^011\d{7}$/);
  expect(paid.msisdn).toMatch(/^\+9639\d{8}$/);

  const sms = await waitForSms(stack, paid.msisdn, { receiptNo: paid.receiptNo });
  expect(sms).toMatchObject({ template: 'payment_receipt', accountNo: paid.accountNo });
  expect(sms.parts.length).toBeGreaterThan(0);

  // What the SMSC itself received for that number: the receipt's text, reassembled from its parts.
  await expect
    .poll(async () => {
      const response = await fetch(`${stack.smscUrl}/messages?to=${encodeURIComponent(paid.msisdn)}`);
      const { messages } = (await response.json()) as { messages: { text?: string }[] };
      return messages.some((m) => m.text?.includes(paid.receiptNo) === true);
    })
    .toBe(true);
});
