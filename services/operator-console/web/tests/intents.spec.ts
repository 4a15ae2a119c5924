// Intents needing a person and the Channels screen's history, in a real browser against the real
// stack. The queued intent is planted in orchestration's database (tests/intents-probe.ts says why);
// the console reads it through orchestration's and the bank adapter's operator routes. The channel's
// history entry comes from a real force-off through the page. The refund goes through the page to
// orchestration, which sends it to the bank adapter and the bank's simulator.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { signIn } from './session.ts';
import type { StackInfo } from './stack.ts';

const stack = JSON.parse(process.env['STACK_INFO'] ?? 'null') as StackInfo;

function plantQueuedIntent(kind: 'plant' | 'plant-refused' = 'plant'): string {
  const script = fileURLToPath(new URL('./intents-probe.ts', import.meta.url));
  return (JSON.parse(execFileSync(process.execPath, [script, kind, stack.databaseUrls.payments], { encoding: 'utf8' })) as { intentId: string }).intentId;
}

test('an intent in the reconciliation queue is shown with its reason and evidence, and no refund is offered for it', async ({ page }) => {
  const intentId = plantQueuedIntent();
  await signIn(page, 'operator');
  await page.getByRole('link', { name: 'Intents needing a person' }).click();
  const card = page.locator(`article[data-intent="${intentId}"]`);
  await expect(card.getByTestId('intent-reason')).toHaveAttribute('data-reason', 'status_inquiry_exhausted');
  await expect(card.getByTestId('intent-reason')).toHaveText('Status inquiries ran out without an answer');
  await expect(card.getByTestId('intent-detail')).toContainText('gave up after 8 inquiries');
  await expect(card).toContainText('wallet-one');
  await expect(card).toContainText('+963944123456');
  await expect(card.getByTestId('intent-evidence')).toContainText('8 status inquiries');
  await expect(card.getByTestId('intent-evidence')).toContainText('money moved: unknown');
  // The adapter answered (no debit for a planted intent), so nothing is marked missing.
  await expect(card).toContainText('The bank adapter has no debit for this intent');
  await expect(page.getByTestId('intents-debits-missing')).toHaveCount(0);
  await expect(page.getByTestId('intents-actions-note')).toBeVisible();
  await expect(card.getByRole('button')).toHaveCount(0);
});

test('an operator refunds an intent debited whose payment was refused; a viewer is offered no refund', async ({ page, browser }) => {
  const intentId = plantQueuedIntent('plant-refused');
  const viewer = await browser.newPage();
  await signIn(viewer, 'viewer', { at: '#intents' });
  await expect(viewer.locator(`article[data-intent="${intentId}"]`).getByTestId('intent-reason')).toHaveAttribute('data-reason', 'payment_refused');
  await expect(viewer.locator(`article[data-intent="${intentId}"]`).getByRole('button')).toHaveCount(0);
  await viewer.close();

  await signIn(page, 'operator', { at: '#intents' });
  const card = page.locator(`article[data-intent="${intentId}"]`);
  await card.getByRole('button', { name: 'Refund' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Reason').fill('the bill was paid by a wallet meanwhile');
  await dialog.getByLabel('I confirm this action').check();
  await dialog.getByRole('button', { name: 'Refund' }).click();
  await expect(dialog).toBeHidden();
  // The refund is on its way (the channel's answer comes later): no second one is offered.
  await expect(card.getByTestId('intent-evidence')).toContainText('refund:');
  await expect(card.getByRole('button')).toHaveCount(0);
});

test('the Channels screen shows each channel’s numbers and a force-off in its history with the person', async ({ page }) => {
  const channelId = stack.channels['wallet-one'];
  await signIn(page, 'operator');
  await page.getByRole('link', { name: 'Channels', exact: true }).click();
  const line = page.locator(`tr[data-channel="${channelId}"]`);
  await expect(line.getByTestId('channel-resolving')).toBeVisible();

  await line.getByRole('button', { name: 'Force off' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Reason').fill('wallet history check');
  await dialog.getByLabel('I confirm this action').check();
  await dialog.getByRole('button', { name: 'Apply' }).click();
  await expect(dialog).toBeHidden();
  try {
    await line.getByRole('button', { name: 'History' }).click();
    const latest = page.getByTestId('channel-history').getByTestId('channel-transition').first();
    await expect(latest).toHaveAttribute('data-to', 'forced_off');
    await expect(latest).toContainText(stack.users.operator);
    await expect(latest).toContainText('wallet history check');
  } finally {
    await line.getByRole('button', { name: 'Force on' }).click();
    await dialog.getByLabel('Reason').fill('history check done');
    await dialog.getByLabel('I confirm this action').check();
    await dialog.getByRole('button', { name: 'Apply' }).click();
    await expect(dialog).toBeHidden();
  }
  await expect(page.getByTestId('channel-history').getByTestId('channel-transition').first()).toHaveAttribute('data-to', 'closed');
});
