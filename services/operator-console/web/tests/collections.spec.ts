// The Fees and collections screen against the real stack (global-setup.ts): a telecom bill paid through
// the channel API shows in the telecom's collections, and a criminal-record certificate ordered through
// billing's POST /v1/fee-orders as the portal and paid the same way in the civil registry's row beside
// it (and under its service), for the Damascus days around today; the order is listed paid with its
// receipt; in Arabic too.
import { addDays, businessDateOf, formatMoney } from '@gateway/contracts';
import type { CollectionsResponse, Money } from '@gateway/contracts';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { importBill, orderFee, payBill } from './payments.ts';
import { signIn } from './session.ts';
import type { StackInfo } from './stack.ts';

const stack = JSON.parse(process.env['STACK_INFO'] ?? 'null') as StackInfo;

// Yesterday to tomorrow in Damascus: today's payments are in it even across midnight.
const today = businessDateOf(new Date());
const from = addDays(today, -1);
const to = addDays(today, 1);

/** The console's answer for the range, with the page's session (what the screen is about to show). */
async function collections(page: Page): Promise<CollectionsResponse> {
  const response = await page.request.get(`${stack.consoleUrl}/api/collections?from=${from}&to=${to}`);
  expect(response.status()).toBe(200);
  return (await response.json()) as CollectionsResponse;
}

const paidOf = (c: CollectionsResponse, billerId: string) => c.billers.find((b) => b.billerId === billerId)?.billsPaid ?? 0;
const collectedOf = (c: CollectionsResponse, billerId: string) => c.billers.find((b) => b.billerId === billerId)!.amountCollected.map((m) => formatMoney(m as Money, 'en')).join(' + ');
const count = (n: number) => new Intl.NumberFormat('en-GB').format(n);

test("a telecom bill and a fee order paid through the channel API show in their billers' collections; the order is paid with its receipt", async ({ page }) => {
  await signIn(page, 'viewer', { shown: 'role' });
  const telecomBill = await importBill(stack);
  const feeOrder = await orderFee(stack, { serviceCode: 'criminal-record' });
  const before = await collections(page);

  await payBill(stack, { channelId: 'wallet-two', bill: telecomBill });
  const feePaid = await payBill(stack, { channelId: 'bank-alpha', bill: feeOrder });
  // Billing settles from payment.completed on Kafka: wait for it to count both bills.
  await expect
    .poll(async () => {
      const now = await collections(page);
      return [paidOf(now, 'telecom'), paidOf(now, 'civil-registry')];
    }, { timeout: 30_000 })
    .toEqual([paidOf(before, 'telecom') + 1, paidOf(before, 'civil-registry') + 1]);
  const after = await collections(page);

  await page.getByRole('link', { name: 'Fees and collections' }).click();
  await page.getByTestId('collections-from').fill(from);
  await page.getByTestId('collections-to').fill(to);
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page.getByTestId('collections-range')).toContainText(`From ${from} to ${to}`);

  const table = page.getByTestId('collections-billers');
  for (const billerId of ['telecom', 'civil-registry']) {
    const row = table.locator(`tr[data-biller="${billerId}"]:not([data-service])`);
    await expect(row.locator('[data-cell="paid"]')).toHaveText(count(paidOf(after, billerId)));
    await expect(row.locator('[data-cell="collected"]')).toHaveText(collectedOf(after, billerId));
  }
  await expect(table.locator('tr[data-biller="civil-registry"]:not([data-service])').getByRole('rowheader')).toContainText('Civil Registry');
  await expect(table.locator('tr[data-service="criminal-record"]').getByRole('rowheader')).toHaveText('Criminal-record extract');

  const order = page.getByTestId('fee-orders').locator(`tr[data-order="${feeOrder.orderRef}"]`);
  await expect(order.locator('[data-cell="status"]')).toHaveText('Paid');
  await expect(order.locator('[data-cell="receipt"]')).toHaveText(feePaid.receiptNo);
  await expect(order.locator('[data-cell="amount"]')).toHaveText(formatMoney(feeOrder.amount as Money, 'en'));

  // The range stays in the URL across a reload; the billers are named in Arabic.
  await page.reload();
  await page.getByLabel('Language').selectOption('ar');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.getByTestId('collections-billers').locator('tr[data-biller="telecom"]').getByRole('rowheader')).toContainText('السورية للاتصالات');
});
