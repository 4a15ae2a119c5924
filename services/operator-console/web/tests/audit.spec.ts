// The admin's Audit and Settings screens in a real browser against the real stack: only the admin
// sees them (the backend refuses the others too); the console's own sign-in events are on the Audit
// screen; Settings shows every service answering. The operator's force-off row on the Audit screen is
// proven in console.spec.ts's force-off test, beside the bank adapter's and orchestration's view of it.
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { signIn } from './session.ts';
import type { StackInfo } from './stack.ts';

const stack = JSON.parse(process.env['STACK_INFO'] ?? 'null') as StackInfo;

const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

for (const [role, a] of [['viewer', 'a'], ['operator', 'an']] as const) {
  test(`${a} ${role} sees no Audit or Settings entry, and GET /api/audit and /api/settings answer 403`, async ({ page }) => {
    await signIn(page, role, { shown: 'who' });
    await expect(nav(page).getByRole('link', { name: 'Channels' })).toBeVisible();
    await expect(nav(page).getByRole('link', { name: 'Audit log' })).toHaveCount(0);
    await expect(nav(page).getByRole('link', { name: 'Settings' })).toHaveCount(0);
    // Typing the screen's address shows the first screen instead.
    await page.goto(`${stack.consoleUrl}/#audit`);
    await expect(page.getByRole('heading', { name: 'Live overview' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Audit log' })).toHaveCount(0);
    const statuses = await page.evaluate(async () => Promise.all(['/api/audit', '/api/settings'].map(async (url) => (await fetch(url)).status)));
    expect(statuses).toEqual([403, 403]);
  });
}

test("the admin's Audit screen shows the console's sign-in events by person, and Settings every service answering", async ({ page }) => {
  await signIn(page, 'admin', { shown: 'who' });
  await nav(page).getByRole('link', { name: 'Audit log' }).click();
  await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
  await page.getByLabel('Source').selectOption('operator-console');
  await page.getByLabel('Actor').fill(`operator-console/${stack.users.admin}`);
  await page.getByRole('button', { name: 'Apply' }).click();
  const signedIn = page.locator('tr[data-service="operator-console"][data-action="console.sign-in"]').first();
  await expect(signedIn).toContainText('Signed in');
  await expect(signedIn).toContainText(`operator-console/${stack.users.admin}`);
  // Only that person's rows: nobody else's sign-in is listed.
  await expect(page.locator('tbody tr').filter({ hasNotText: `operator-console/${stack.users.admin}` })).toHaveCount(0);

  await nav(page).getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  for (const service of ['billing', 'payment-orchestration', 'bank-adapter', 'notification']) {
    await expect(page.locator(`tr[data-service="${service}"]`)).toHaveAttribute('data-reachable', 'true');
  }
  await expect(page.getByRole('row', { name: /Idle timeout/ })).toContainText('15 min');
});
