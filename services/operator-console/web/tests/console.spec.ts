// The console in a real browser against the real stack (global-setup.ts): sign-in per role, the
// Channels screen's force-off / force-on as the bank adapter sees it, the viewer refused, Arabic.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { keyOf, send } from '../../../../bench/signed-client.ts';
import { signIn } from './session.ts';
import type { StackInfo } from './stack.ts';

const stack = JSON.parse(process.env['STACK_INFO'] ?? 'null') as StackInfo;

interface Probe {
  channel: { channelId: string; state: string; available: boolean; forcedOff: { by: string; reason: string } | null } | null;
  audit: { actor: string; action: string; detail: { reason?: string | null } }[];
}

/** The bank adapter's own answer (signed GET /v1/channels) and audit rows for one channel. */
function probe(channelId: string): Probe {
  const script = fileURLToPath(new URL('./adapter-probe.ts', import.meta.url));
  const out = execFileSync(process.execPath, [script, stack.bankAdapterUrl, stack.databaseUrls.bank_adapter, channelId], { encoding: 'utf8' });
  return JSON.parse(out) as Probe;
}

// Signed in on the Channels screen (the overview is the landing screen).
const atChannels = { at: '/#channels' };

const row = (page: Page, channelId: string) => page.locator(`tr[data-channel="${channelId}"]`);

/** Whether payment orchestration's public catalogue offers the channel, asked as a bank client would. */
async function offeredByOrchestration(channelId: string): Promise<boolean | undefined> {
  const answer = await send('GET', `${stack.orchestrationUrl}/v1/channels`, keyOf('bank-alpha'));
  return (answer.json as { channels?: { channelId: string; available: boolean }[] }).channels?.find((c) => c.channelId === channelId)?.available;
}

test('each role signs in and the header shows its name and role; sign-out returns to sign-in', async ({ page }) => {
  for (const [role, label] of [['viewer', 'Viewer'], ['operator', 'Operator'], ['admin', 'Admin']] as const) {
    await signIn(page, role, atChannels);
    await expect(page.getByTestId('role')).toHaveText(label);
    await expect(page.getByTestId('who')).toContainText(`${label} Person`);
    await expect(page.getByRole('heading', { name: 'Channels' })).toBeVisible();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    // The session is gone on the server too: a reload does not bring the shell back.
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  }
});

test('wrong credentials are said so, and repeated failures lock the username out with the wait', async ({ page }) => {
  await signIn(page, 'viewer', { ...atChannels, password: 'not-the-password' });
  await expect(page.getByRole('alert')).toHaveText('Wrong username or password.');

  await page.goto(stack.consoleUrl);
  let status = 0;
  for (let attempt = 0; attempt < 6 && status !== 429; attempt++) {
    await page.getByLabel('Username').fill(stack.users.lockout);
    await page.getByLabel('Password').fill(attempt < 5 ? 'not-the-password' : stack.password);
    const [response] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === '/api/session' && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    status = response.status();
  }
  expect(status).toBe(429);
  await expect(page.getByRole('alert')).toHaveText(/^Too many failed sign-ins\. Try again in \d+ seconds\.$/);
});

test('a viewer sees no force buttons, and the backend refuses a force-off sent from the page', async ({ page }) => {
  const channelId = stack.channels['wallet-one'];
  await signIn(page, 'viewer', atChannels);
  await expect(row(page, channelId)).toBeVisible();
  await expect(page.getByRole('button', { name: /Force (off|on)/ })).toHaveCount(0);

  // The same request the operator's dialog sends, with this session's valid CSRF token: only the role is wrong.
  const status = await page.evaluate(async (id) => {
    const session = (await (await fetch('/api/session')).json()) as { csrfToken: string };
    const response = await fetch(`/api/channels/${id}/force-off`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
      body: JSON.stringify({ reason: 'viewer trying' }),
    });
    return response.status;
  }, channelId);
  expect(status).toBe(403);
  expect(probe(channelId).channel).toMatchObject({ state: 'closed', forcedOff: null });
});

test('an operator forces a channel off with a reason and on again; the bank adapter, its audit log, payment orchestration and the admin\'s Audit screen agree', async ({ page, browser }) => {
  const channelId = stack.channels['bank-alpha'];
  await signIn(page, 'operator', atChannels);
  const line = row(page, channelId);
  await expect(line.locator('[data-state]')).toHaveAttribute('data-state', 'closed');

  await line.getByRole('button', { name: 'Force off' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByLabel('Reason')).toBeFocused();
  const apply = dialog.getByRole('button', { name: 'Apply' });
  await dialog.getByLabel('Reason').fill('bank maintenance window');
  await expect(apply).toBeDisabled(); // not confirmed yet
  await dialog.getByLabel('I confirm this action').check();
  await apply.click();
  await expect(dialog).toBeHidden();
  await expect(line.locator('[data-state]')).toHaveAttribute('data-state', 'forced_off');
  await expect(line).toContainText('Forced off');
  await expect(line).toContainText(stack.users.operator);
  await expect(line).toContainText('bank maintenance window');

  const off = probe(channelId);
  expect(off.channel).toMatchObject({ state: 'forced_off', available: false, forcedOff: { reason: 'bank maintenance window' } });
  expect(off.channel?.forcedOff?.by).toContain(stack.users.operator);
  expect(off.audit.at(-1)).toMatchObject({ action: 'channel.force-off', detail: { reason: 'bank maintenance window' } });
  expect(off.audit.at(-1)?.actor).toContain(stack.users.operator);
  // The channels' public side: payment orchestration (signed as a bank) no longer offers it.
  await expect.poll(() => offeredByOrchestration(channelId), { timeout: 20_000 }).toBe(false);
  // The admin's Audit screen shows the row, naming the person and the reason.
  const adminContext = await browser.newContext();
  const adminPage = await adminContext.newPage();
  await signIn(adminPage, 'admin', atChannels);
  await adminPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
  const audited = adminPage.locator(`tr[data-service="bank-adapter"][data-action="channel.force-off"][data-target="${channelId}"]`).first();
  await expect(audited).toContainText(`operator-console/${stack.users.operator}`);
  await expect(audited).toContainText('bank maintenance window');
  await adminContext.close();

  await line.getByRole('button', { name: 'Force on' }).click();
  await dialog.getByLabel('Reason').fill('maintenance over');
  await dialog.getByLabel('I confirm this action').check();
  await dialog.getByRole('button', { name: 'Apply' }).click();
  await expect(line.locator('[data-state]')).toHaveAttribute('data-state', 'closed');
  await expect(line.getByRole('button', { name: 'Force off' })).toBeVisible();
  const on = probe(channelId);
  expect(on.channel).toMatchObject({ available: true, forcedOff: null });
  expect(on.audit.at(-1)).toMatchObject({ action: 'channel.force-on', detail: { reason: 'maintenance over' } });
  await expect.poll(() => offeredByOrchestration(channelId), { timeout: 20_000 }).toBe(true);
});

test('a session that ends on the server sends the page back to sign-in at its next request', async ({ page, context }) => {
  await signIn(page, 'operator', atChannels);
  await expect(row(page, stack.channels['wallet-two'])).toBeVisible();
  await context.clearCookies();
  await row(page, stack.channels['wallet-two']).getByRole('button', { name: 'Force off' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Reason').fill('never sent as anyone');
  await dialog.getByLabel('I confirm this action').check();
  await dialog.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  expect(probe(stack.channels['wallet-two']).channel).toMatchObject({ forcedOff: null });
});

test('Arabic turns the page right to left with Arabic labels, and is remembered', async ({ page }) => {
  await page.goto(`${stack.consoleUrl}/#channels`);
  await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
  await page.getByLabel('Language').selectOption('ar');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ar');
  await expect(page.getByRole('heading', { name: 'تسجيل الدخول' })).toBeVisible();

  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await page.getByLabel('اسم المستخدم').fill(stack.users.operator);
  await page.getByLabel('كلمة المرور').fill(stack.password);
  await page.getByRole('button', { name: 'دخول' }).click();
  await expect(page.getByTestId('role')).toHaveText('مشغّل');
  await expect(page.getByRole('heading', { name: 'القنوات' })).toBeVisible();
  await expect(row(page, stack.channels['bank-alpha']).getByRole('button', { name: 'إيقاف قسري' })).toBeVisible();
});
