// The Messages screen in a real browser against the real stack: a bill paid through the channel API
// gets a receipt SMS, which the screen shows by the holder's number with its delivery receipt; an
// operator previews a segment, sees how many people it reaches, creates the campaign and watches its
// progress; a viewer has neither Create nor Cancel, and the backend refuses the create all the same.
import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { payBill, waitForSms } from './payments.ts';
import { signIn } from './session.ts';
import type { Role } from './session.ts';
import type { StackInfo } from './stack.ts';

const stack = JSON.parse(process.env['STACK_INFO'] ?? 'null') as StackInfo;

async function openMessages(page: Page, role: Role): Promise<void> {
  await signIn(page, role);
  await page.getByRole('link', { name: 'Messages' }).click();
  await expect(page.getByRole('heading', { name: 'Messages', level: 2 })).toBeVisible();
}

test("a subscriber's payment SMS appears by number with its delivery receipt", async ({ page }) => {
  const paid = await payBill(stack);
  const sms = await waitForSms(stack, paid.msisdn, { receiptNo: paid.receiptNo, states: ['delivered'] });
  await openMessages(page, 'viewer');
  // Typed as an operator would read it off a handset: 09…, not +963….
  await page.getByLabel('Subscriber number').fill(`0${paid.msisdn.slice(4)}`);
  await page.getByRole('button', { name: 'Find' }).click();
  const line = page.locator(`tr[data-message="${sms.messageId}"]`);
  await expect(line).toHaveAttribute('data-state', 'delivered');
  await expect(line).toContainText(paid.receiptNo);
  await expect(line.locator('[data-part-state="delivered"]').first()).toContainText(/receipt at/);
  await expect(page.getByTestId('opt-out-state')).toContainText('Receives SMS');
});

test('an operator previews a segment, sees the count, creates the campaign and sees its progress', async ({ page }) => {
  // A holder notification knows (its receipt SMS went out), so the segment of that one account reaches one person.
  const paid = await payBill(stack);
  await waitForSms(stack, paid.msisdn, { receiptNo: paid.receiptNo });
  const name = `Pay online ${randomUUID().slice(0, 6)}`;
  await openMessages(page, 'operator');
  await page.getByRole('button', { name: 'New campaign' }).click();
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Arabic text (required)').fill('ادفع فاتورتك القادمة إلكترونيًا');
  await page.getByLabel(/^Account numbers/).fill(paid.accountNo);
  const create = page.getByRole('button', { name: 'Create campaign' });
  await expect(create).toBeDisabled();
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByTestId('preview')).toContainText('Reaches 1 people now');
  await create.click();

  const line = page.locator('tr[data-campaign]', { hasText: name });
  await expect(line).toBeVisible();
  // The list refreshes by itself: the runner queues the one recipient and the progress shows it.
  await expect(line.getByTestId('recipients')).toHaveText('1', { timeout: 20_000 });
  await expect(line).toHaveAttribute('data-state', /^(sending|completed)$/, { timeout: 20_000 });
  await expect(line.getByTestId('counts')).toContainText(/1 (queued|sent|delivered)/);
});

test('a viewer has no Create or Cancel, and the backend refuses a create sent from the page (403)', async ({ page }) => {
  await openMessages(page, 'viewer');
  await expect(page.getByRole('heading', { name: 'Campaigns' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'New campaign' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Cancel campaign' })).toHaveCount(0);

  // The request the form sends, with this session's valid CSRF token: only the role is wrong.
  const status = await page.evaluate(async (key) => {
    const session = (await (await fetch('/api/session')).json()) as { csrfToken: string };
    const response = await fetch('/api/campaigns', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken, 'idempotency-key': key },
      body: JSON.stringify({ name: 'viewer trying', text: { ar: 'نص' }, segment: { all: true } }),
    });
    return response.status;
  }, randomUUID());
  expect(status).toBe(403);
});
