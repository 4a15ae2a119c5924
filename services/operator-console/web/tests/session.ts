// Signing in through the console's sign-in form, as every spec does: the stack's user of a role
// (global-setup.ts puts them in STACK_INFO), the stack's one password unless the test means another.
import type { Page } from '@playwright/test';
import { expect } from '@playwright/test';
import type { StackInfo } from './stack.ts';

const stack = JSON.parse(process.env['STACK_INFO'] ?? 'null') as StackInfo;

export type Role = keyof StackInfo['users'];

/**
 * `at`: the address's hash to open first (the overview, the landing screen, unless given);
 * `shown`: a test id of the signed-in shell to wait for; without it, returns once the form is sent.
 */
export async function signIn(page: Page, role: Role, options: { password?: string; at?: string; shown?: string } = {}): Promise<void> {
  await page.goto(`${stack.consoleUrl}${options.at ?? ''}`);
  await page.getByLabel('Username').fill(stack.users[role]);
  await page.getByLabel('Password').fill(options.password ?? stack.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (options.shown !== undefined) await expect(page.getByTestId(options.shown)).toBeVisible();
}
