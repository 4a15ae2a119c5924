// Reconciliation in a real browser against the real stack: the wallet-two simulator's settlement file
// for yesterday gains two debits nobody asked for (its settlementExtraRows fault), the bank adapter
// fetches it (its operator route, as the daily fetch does), orchestration matches it: two missing_here
// exceptions. An operator writes one off through the page; the other is resolved meanwhile by someone
// else, and the page shows orchestration's 409 as it says it. A viewer sees the day with no actions.
import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { addDays, businessDateOf } from '@gateway/contracts';
import { keyOf, send } from '../../../../bench/signed-client.ts';
import { signIn } from './session.ts';
import type { StackInfo } from './stack.ts';

const stack = JSON.parse(process.env['STACK_INFO'] ?? 'null') as StackInfo;

async function control(body: unknown): Promise<void> {
  const res = await fetch(`${stack.channelUrls['wallet-two']}/control`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST /control answered ${res.status}`);
}

test('a day with exceptions: an operator writes one off, a resolution made meanwhile shows orchestration’s 409; a viewer has no actions', async ({ page, browser }) => {
  test.setTimeout(90_000);
  const day = addDays(businessDateOf(new Date()), -1);
  const [first, second] = [`pi_pw_${randomUUID()}`, `pi_pw_${randomUUID()}`];
  await control({ settlementExtraRows: [{ reference: first, amount: 7_500 }, { reference: second, amount: 2_500 }] });
  let fileId: string;
  try {
    const fetched = await send('POST', `${stack.bankAdapterUrl}/v1/settlement-files/${stack.channels['wallet-two']}/${day}`, keyOf('ops-console'));
    expect(fetched.status).toBe(201);
    fileId = (fetched.json as { fileId: string }).fileId;
  } finally {
    await control({ settlementExtraRows: [] });
  }
  type Day = { file: { fileId: string } | null; exceptions: { exceptionId: string; reference: string }[] };
  const url = `${stack.orchestrationUrl}/v1/reconciliations/${stack.channels['wallet-two']}/${day}`;
  await expect.poll(async () => ((await send('GET', url, keyOf('ops-console'))).json as Day).file?.fileId, { timeout: 60_000 }).toBe(fileId);
  const secondId = ((await send('GET', url, keyOf('ops-console'))).json as Day).exceptions.find((e) => e.reference === second)!.exceptionId;

  await signIn(page, 'operator', { at: '#reconciliation' });
  await expect(page.getByLabel('Business date')).toHaveValue(day);
  await page.getByLabel('Channel').selectOption(stack.channels['wallet-two']);
  await expect(page.getByTestId('reconciliation-status')).toHaveAttribute('data-status', 'exceptions');
  const row = page.locator(`tr[data-reference="${first}"]`);
  await expect(row).toContainText('Missing here');
  await expect(row).toContainText('75.00');

  await row.getByRole('button', { name: 'Write off' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Note').fill('a test row the bank confirmed');
  await dialog.getByLabel('I confirm this action').check();
  await dialog.getByRole('button', { name: 'Resolve' }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toHaveAttribute('data-status', 'resolved');
  await expect(row.getByTestId('exception-status')).toContainText('Write off by');
  await expect(row.getByTestId('exception-status')).toContainText(stack.users.operator);
  await expect(row.getByRole('button')).toHaveCount(0);

  // Someone else accepts the second one while this operator's dialog is open: orchestration's 409, shown.
  const other = page.locator(`tr[data-reference="${second}"]`);
  await other.getByRole('button', { name: 'Write off' }).click();
  const accepted = await send('POST', `${stack.orchestrationUrl}/v1/reconciliation-exceptions/${secondId}/resolve`, keyOf('ops-console'), { action: 'accept', note: 'explained by the bank' });
  expect(accepted.status).toBe(200);
  await dialog.getByLabel('Note').fill('writing it off');
  await dialog.getByLabel('I confirm this action').check();
  await dialog.getByRole('button', { name: 'Resolve' }).click();
  await expect(dialog.getByRole('alert')).toContainText('already resolved (accept)');
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  const viewer = await browser.newPage();
  await signIn(viewer, 'viewer', { at: '#reconciliation' });
  await viewer.getByLabel('Channel').selectOption(stack.channels['wallet-two']);
  await expect(viewer.locator(`tr[data-reference="${first}"]`)).toHaveAttribute('data-status', 'resolved');
  await expect(viewer.locator(`tr[data-reference="${second}"]`)).toContainText('Accept');
  await expect(viewer.locator('tr[data-exception]').getByRole('button')).toHaveCount(0);
  await viewer.close();
});
