// Find a payment in a real browser against the real stack: a bill paid through the channel API is
// found by its receipt number, and its timeline shows the payment, its allocation, the bill settled at
// billing and its SMS with the delivery receipt (the "Done when"). UPDATE_SCREENSHOTS=1 also
// writes docs/img/console-timeline.png for the README.
import { expect, test } from '@playwright/test';
import { payBill, waitForSms } from './payments.ts';
import { signIn } from './session.ts';
import type { StackInfo } from './stack.ts';

const stack = JSON.parse(process.env['STACK_INFO'] ?? 'null') as StackInfo;
const screenshot = new URL('../../../../docs/img/console-timeline.png', import.meta.url).pathname;

test('find-a-payment shows the SMS of that payment: found by its receipt number, with its allocation, settlement and delivery receipt', async ({ page }) => {
  test.setTimeout(120_000);
  const paid = await payBill(stack);
  // The receipt SMS delivered (the SMSC's delivery receipt came back) before the operator looks.
  const sms = await waitForSms(stack, paid.msisdn, { receiptNo: paid.receiptNo, states: ['delivered'], timeoutMs: 60_000 });

  await signIn(page, 'viewer', { shown: 'who' });
  await page.getByRole('link', { name: 'Find a payment' }).click();
  await page.getByRole('searchbox').fill(paid.receiptNo);
  await page.getByRole('button', { name: 'Find', exact: true }).click();
  // The search is in the URL, so the page can be shared.
  await expect(page).toHaveURL(new RegExp(`#find\\?q=${paid.receiptNo}`));
  await expect(page.getByText('Looked up as receipt number.')).toBeVisible();

  const timeline = page.getByTestId('timeline');
  await expect(timeline.getByRole('heading')).toContainText(paid.receiptNo);
  const entry = (kind: string) => timeline.locator(`li[data-kind="${kind}"]`);
  await expect(entry('payment.recorded')).toContainText(paid.channelTxnId);
  await expect(entry('payment.recorded')).toContainText('1,500.00');
  await expect(entry('payment.allocation')).toBeVisible();
  await expect(entry('bill.settled')).toBeVisible();
  await expect(entry('sms.queued')).toContainText(paid.receiptNo);
  await expect(entry('sms.submitted')).toContainText(sms.parts[0]!.smscMessageId);
  await expect(entry('sms.delivery-receipt').first()).toContainText('delivered');
  // No service was missing from it.
  await expect(timeline.locator('[data-testid^="unavailable-"]')).toHaveCount(0);

  // The links between entries: from the SMS's delivery receipt to its SMS, from the settlement to its bill.
  await entry('sms.delivery-receipt').first().getByRole('button', { name: '→ the SMS' }).click();
  await expect(entry('sms.queued')).toBeFocused();
  await entry('bill.settled').getByRole('button', { name: '→ the bill' }).click();
  await expect(entry('payment.allocation')).toBeFocused();

  // A shared link opens the same timeline after a reload.
  await page.reload();
  await expect(entry('sms.delivery-receipt').first()).toBeVisible();

  if (process.env['UPDATE_SCREENSHOTS'] === '1') await page.screenshot({ path: screenshot, fullPage: true });
});
