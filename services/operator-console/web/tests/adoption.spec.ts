// The Adoption screen against the real stack (global-setup.ts): a bill paid through the channel API
// shows in its cycle as one more bill paid through the gateway, in its governorate (a 011 line is
// Damascus) and under the channel that paid it, in the tables beside the charts; in Arabic too.
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { importBill, payBill } from './payments.ts';
import { signIn } from './session.ts';
import type { StackInfo } from './stack.ts';

const stack = JSON.parse(process.env['STACK_INFO'] ?? 'null') as StackInfo;

// payments.ts's bills are issued on 2026-11-01: their cycle.
const cycle = '2026-11';

type Figures = { billsIssued: number; billsPaidViaGateway: number };
type Adoption = { totals: Figures; byGovernorate: (Figures & { governorate: string | null })[]; byChannel: { channelId: string | null; billsPaidViaGateway: number }[] };

/** The console's answer for the cycle, with the page's session (what the screen is about to show). */
async function figures(page: Page): Promise<Adoption> {
  const response = await page.request.get(`${stack.consoleUrl}/api/adoption?cycle=${cycle}`);
  expect(response.status()).toBe(200);
  return (await response.json()) as Adoption;
}

const damascus = (a: Adoption) => a.byGovernorate.find((g) => g.governorate === 'damascus') ?? { billsIssued: 0, billsPaidViaGateway: 0 };
const paidVia = (a: Adoption, channelId: string) => a.byChannel.find((c) => c.channelId === channelId)?.billsPaidViaGateway ?? 0;
const count = (n: number) => new Intl.NumberFormat('en-GB').format(n);

test('a bill paid through the channel API shows in its governorate and under its channel', async ({ page }) => {
  await signIn(page, 'viewer', { shown: 'role' });
  const bill = await importBill(stack);
  // The bill is in billing as soon as the import answered; it is not paid yet.
  const before = await figures(page);

  const paid = await payBill(stack, { channelId: 'wallet-two', bill });
  // Billing settles from payment.completed on Kafka: wait for it to count the bill.
  await expect.poll(async () => damascus(await figures(page)).billsPaidViaGateway, { timeout: 30_000 }).toBe(damascus(before).billsPaidViaGateway + 1);
  const after = await figures(page);
  expect(paidVia(after, paid.channelId)).toBe(paidVia(before, paid.channelId) + 1);

  await page.getByRole('link', { name: 'Adoption' }).click();
  await page.getByTestId('adoption-cycle').fill(cycle);
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page.getByText(`Cycle ${cycle}:`)).toBeVisible();

  const share = page.getByTestId('adoption-share');
  await expect(share).toContainText(`(${count(after.totals.billsPaidViaGateway)} of ${count(after.totals.billsIssued)})`);
  const row = page.getByTestId('adoption-governorates').locator('tr[data-governorate="damascus"]');
  await expect(row.getByRole('rowheader')).toHaveText('Damascus');
  await expect(row.locator('[data-cell="paid"]')).toHaveText(count(damascus(after).billsPaidViaGateway));
  await expect(row.locator('[data-cell="issued"]')).toHaveText(count(damascus(after).billsIssued));
  const channel = page.getByTestId('adoption-channels').locator(`tr[data-channel="${paid.channelId}"]`);
  await expect(channel.locator('[data-cell="paid"]')).toHaveText(count(paidVia(after, paid.channelId)));
  await expect(page.getByRole('img', { name: 'By governorate' })).toBeVisible();

  // The cycle stays in the URL across a reload; the governorate is named in Arabic.
  await page.reload();
  await page.getByLabel('Language').selectOption('ar');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.getByTestId('adoption-governorates').locator('tr[data-governorate="damascus"]').getByRole('rowheader')).toHaveText('دمشق');
});
