// The Outbox screen in a real browser against the real stack: a row parked in the bank adapter's
// outbox is listed; an operator replays it (the bank adapter's row is un-parked and published); a
// viewer sees the row but no Replay; every service of the stack answers the console.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { signIn } from './session.ts';
import type { Role } from './session.ts';
import type { StackInfo } from './stack.ts';

const stack = JSON.parse(process.env['STACK_INFO'] ?? 'null') as StackInfo;
// The adapter's own topic, so its relay may publish the replayed row (orchestration, its consumer, sees
// an event it cannot read and dead-letters it: the planted row is no real result).
const resultsTopic = 'channels.results';

function outboxProbe<T>(command: 'plant' | 'state', arg: string): T {
  const script = fileURLToPath(new URL('./outbox-probe.ts', import.meta.url));
  return JSON.parse(execFileSync(process.execPath, [script, command, stack.databaseUrls.bank_adapter, arg], { encoding: 'utf8' })) as T;
}

async function openOutbox(page: Page, role: Role): Promise<void> {
  await signIn(page, role);
  await page.getByRole('link', { name: 'Outbox' }).click();
  await expect(page.getByRole('heading', { name: 'Parked outbox events' })).toBeVisible();
}

test('a viewer sees a parked row and every service answering, but no Replay button', async ({ page }) => {
  const { eventId } = outboxProbe<{ eventId: string }>('plant', resultsTopic);
  await openOutbox(page, 'viewer');
  const line = page.locator(`section[data-service="bank-adapter"] tr[data-event="${eventId}"]`);
  await expect(line).toContainText('browser.parked');
  await expect(line).toContainText('MESSAGE_TOO_LARGE');
  for (const service of ['billing', 'payment-orchestration', 'bank-adapter', 'notification']) {
    await expect(page.locator(`section[data-service="${service}"]`)).toBeVisible();
  }
  await expect(page.getByTestId('unavailable')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Replay' })).toHaveCount(0);
  expect(outboxProbe('state', eventId)).toEqual({ parked: true, published: false });
});

test('an operator replays a parked row after confirming: it leaves the screen and the bank adapter publishes it', async ({ page }) => {
  const { eventId } = outboxProbe<{ eventId: string }>('plant', resultsTopic);
  await openOutbox(page, 'operator');
  const line = page.locator(`section[data-service="bank-adapter"] tr[data-event="${eventId}"]`);
  await line.getByRole('button', { name: 'Replay' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('browser.parked');
  await dialog.getByRole('button', { name: 'Replay now' }).click();
  await expect(dialog).toBeHidden();
  await expect(line).toHaveCount(0);
  await expect.poll(() => outboxProbe('state', eventId)).toEqual({ parked: false, published: true });
});
