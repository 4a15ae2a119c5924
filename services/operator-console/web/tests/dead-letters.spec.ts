// The Outbox screen's dead letters in a real browser against the real stack: a message the bank
// adapter's commands consumer cannot read (it fails its contract) is dead-lettered, reaches the
// adapter's dead-letter ledger and shows with its reason; a viewer has no Replay; an operator replays
// it and is told it fails its contract again, and the row stays with the failed attempt counted.
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { signIn } from './session.ts';
import type { Role } from './session.ts';
import type { StackInfo } from './stack.ts';

const stack = JSON.parse(process.env['STACK_INFO'] ?? 'null') as StackInfo;
const commandsTopic = 'channels.commands';

function publish(key: string, value: string): void {
  const script = fileURLToPath(new URL('./dead-letters-probe.ts', import.meta.url));
  execFileSync(process.execPath, [script, commandsTopic, key, value], { encoding: 'utf8', env: { ...process.env, STACK_KAFKA: JSON.stringify(stack.kafka) } });
}

async function openOutbox(page: Page, role: Role): Promise<void> {
  await signIn(page, role);
  await page.getByRole('link', { name: 'Outbox and dead letters' }).click();
  await expect(page.getByRole('heading', { name: 'Dead letters' })).toBeVisible();
}

const key = `dl-browser-${randomUUID()}`;

// One worker for the file: the message is published once, and both tests look at that one row.
test.describe.configure({ mode: 'serial', timeout: 90_000 });

test.beforeAll(() => {
  publish(key, JSON.stringify({ type: 'channel.debit-requested', payload: 'not a command' }));
});

test('a viewer sees the dead letter with its topic, group, kind and reason, and can read the message, but has no Replay', async ({ page }) => {
  await openOutbox(page, 'viewer');
  const line = page.locator('section[data-dead-letters-service="bank-adapter"] tr', { hasText: key });
  // The list refreshes every 10 s; the ledger stores the dead letter within a moment of the consumer writing it.
  await expect(line).toBeVisible({ timeout: 60_000 });
  await expect(line).toContainText(commandsTopic);
  await expect(line).toContainText('bank-adapter.');
  await expect(line).toContainText('Fails its contract');
  await line.getByText('Read the message').click();
  await expect(line.locator('pre')).toContainText('not a command');
  await expect(page.getByRole('button', { name: 'Replay' })).toHaveCount(0);
});

test('an operator replays it after confirming and is told it fails its contract again; the row stays with the attempt counted', async ({ page }) => {
  await openOutbox(page, 'operator');
  const line = page.locator('section[data-dead-letters-service="bank-adapter"] tr', { hasText: key });
  await expect(line).toBeVisible({ timeout: 60_000 });
  await line.getByRole('button', { name: 'Replay' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText(commandsTopic);
  await dialog.getByRole('button', { name: 'Replay now' }).click();
  await expect(dialog.getByRole('alert')).toContainText('It failed again');
  await expect(dialog.getByRole('alert')).toContainText('fails its contract');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(line).toContainText(/Replayed \d+ times; last failure/);
});
