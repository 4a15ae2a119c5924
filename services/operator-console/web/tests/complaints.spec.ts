// Complaints in a real browser against the real stack: a customer's payment through bank-alpha,
// reversed by the bank, and their complaint "paid, bill not settled" filed by the bank (signed as its
// client, as a channel files one); the automatic check finds the payment reversed and leaves it to the
// operators. It shows in the queue with its type, mobile, the payment's link to Find a payment, its
// clock and the check's evidence; an operator assigns it to themselves and resolves it; a viewer has
// no actions. Another is escalated by an operator and then runs past its due time (planted: the
// turnaround is hours): flagged escalated, its clock overdue.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { keyOf, send } from '../../../../bench/signed-client.ts';
import { payBill } from './payments.ts';
import { signIn } from './session.ts';
import type { StackInfo } from './stack.ts';

const stack = JSON.parse(process.env['STACK_INFO'] ?? 'null') as StackInfo;

test('a complaint filed by a bank is in the queue with its evidence and clock; an operator assigns and resolves it; a viewer has no actions', async ({ page, browser }) => {
  test.setTimeout(90_000);
  const paid = await payBill(stack);
  const reversed = await send('POST', `${stack.orchestrationUrl}/v1/payments/${paid.paymentId}/reversals`, keyOf('bank-alpha'), { reason: 'customer disputed the debit' });
  expect(reversed.status).toBe(201);
  const filed = await send('POST', `${stack.orchestrationUrl}/v1/complaints`, keyOf('bank-alpha'), {
    type: 'paid_not_settled',
    paymentId: paid.paymentId,
    msisdn: paid.msisdn,
    description: 'I paid and my line is still cut',
  });
  expect(filed.status).toBe(201);
  const { complaintId } = filed.json as { complaintId: string };

  const viewer = await browser.newPage();
  await signIn(viewer, 'viewer', { at: '#complaints' });
  await expect(viewer.locator(`article[data-complaint="${complaintId}"]`)).toBeVisible();
  await expect(viewer.locator(`article[data-complaint="${complaintId}"]`).getByRole('button')).toHaveCount(0);
  await viewer.close();

  await signIn(page, 'operator', { at: '#complaints' });
  const card = page.locator(`article[data-complaint="${complaintId}"]`);
  await expect(card.getByTestId('complaint-type')).toHaveText('Paid, but the bill is not settled');
  await expect(card).toContainText(paid.msisdn);
  await expect(card.getByTestId('complaint-clock')).toHaveAttribute('data-overdue', 'false');
  await expect(card.getByTestId('complaint-clock')).toContainText('due in');
  await expect(card.getByTestId('complaint-evidence')).toContainText('reversed');
  await expect(card.getByTestId('complaint-references').getByRole('link', { name: `payment ${paid.paymentId}` })).toHaveAttribute('href', new RegExp(`^#find\\?q=${paid.paymentId}`));

  await card.getByRole('button', { name: 'Assign to me' }).click();
  await expect(card).toBeHidden();
  await page.getByLabel('Status').selectOption('assigned');
  await expect(card.getByTestId('complaint-assignee')).toContainText(stack.users.operator);

  await card.getByRole('button', { name: 'Resolve' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Resolution').fill('The bank gave the money back; pay the bill again to reconnect.');
  await dialog.getByLabel('I confirm this action').check();
  await dialog.getByRole('button', { name: 'Resolve' }).click();
  await expect(dialog).toBeHidden();
  await page.getByLabel('Status').selectOption('resolved');
  await expect(card.getByTestId('complaint-resolution')).toHaveText('The bank gave the money back; pay the bill again to reconnect.');
  await expect(card.getByRole('button')).toHaveCount(0);
});

test('an operator escalates a complaint; one past its due time is flagged escalated with its clock overdue', async ({ page }) => {
  const filed = await send('POST', `${stack.orchestrationUrl}/v1/complaints`, keyOf('wallet-one'), { type: 'paid_not_settled', msisdn: '0944000111', description: 'Paid by wallet, line still cut' });
  expect(filed.status).toBe(201);
  const { complaintId } = filed.json as { complaintId: string };

  await signIn(page, 'operator', { at: '#complaints' });
  const card = page.locator(`article[data-complaint="${complaintId}"]`);
  await card.getByRole('button', { name: 'Escalate' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Reason').fill('the wallet does not answer our inquiry');
  await dialog.getByLabel('I confirm this action').check();
  await dialog.getByRole('button', { name: 'Escalate' }).click();
  await expect(dialog).toBeHidden();
  await expect(card).toBeHidden();

  const script = fileURLToPath(new URL('./complaints-probe.ts', import.meta.url));
  execFileSync(process.execPath, [script, 'overdue', stack.databaseUrls.payments, complaintId]);
  await page.getByLabel('Status').selectOption('escalated');
  await expect(card.getByTestId('complaint-escalated')).toBeVisible();
  await expect(card.getByTestId('complaint-clock')).toHaveAttribute('data-overdue', 'true');
  await expect(card.getByTestId('complaint-clock')).toContainText('overdue by 2 h');
});
