// The live overview in a real browser against the real stack: a bill paid through the channel API
// shows up on the landing screen by itself (server-sent events), without a reload. UPDATE_SCREENSHOTS=1
// also writes docs/img/console-overview.png for the README.
import { expect, test } from '@playwright/test';
import { payBill } from './payments.ts';
import { signIn } from './session.ts';
import type { StackInfo } from './stack.ts';

const stack = JSON.parse(process.env['STACK_INFO'] ?? 'null') as StackInfo;
const screenshot = new URL('../../../../docs/img/console-overview.png', import.meta.url).pathname;
const digits = (text: string | null) => Number((text ?? '').replace(/[^\d]/g, ''));

test('the overview is the landing screen and counts a payment made through the channel API without a reload', async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, 'viewer');
  await expect(page.getByRole('heading', { name: 'Live overview' })).toBeVisible();
  await expect(page.getByTestId('overview-live')).toHaveAttribute('data-state', 'live');

  const total = page.getByTestId('overview-payments-total');
  await expect(total).toBeVisible();
  const before = digits(await total.textContent());
  // Set on this document only: a reload would lose it.
  await page.evaluate(() => document.body.setAttribute('data-not-reloaded', 'yes'));

  const paid = await payBill(stack);
  await expect.poll(async () => digits(await total.textContent()), { timeout: 30_000 }).toBeGreaterThan(before);
  await expect(page.getByTestId('overview-payments-by-channel').locator(`tr[data-channel="${paid.channelId}"]`)).toBeVisible();
  await expect(page.locator('body')).toHaveAttribute('data-not-reloaded', 'yes');
  await expect(page.getByTestId('overview-live')).toHaveAttribute('data-state', 'live');

  if (process.env['UPDATE_SCREENSHOTS'] === '1') await page.screenshot({ path: screenshot, fullPage: true });
});
