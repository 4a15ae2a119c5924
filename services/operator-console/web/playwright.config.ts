// Browser tests of the console: Debian's chromium (Playwright's own browser download is not reachable
// here) against the real stack that tests/global-setup.ts starts. Results for infra/local/test.sh's
// summary go to .data/playwright-results.json; screenshots of failures to .data/playwright.
import { defineConfig } from '@playwright/test';

const repoData = new URL('../../../.data/', import.meta.url).pathname;

// Playwright reads its configuration from the default export.
// eslint-disable-next-line no-restricted-syntax
export default defineConfig({
  testDir: 'tests',
  testMatch: '*.spec.ts',
  globalSetup: './tests/global-setup.ts',
  outputDir: `${repoData}playwright`,
  // One stack for all tests and two cores for the whole machine: one browser at a time.
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: `${repoData}playwright-results.json` }]],
  use: {
    browserName: 'chromium',
    headless: true,
    screenshot: 'only-on-failure',
    trace: 'off',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      // The machine's network is closed: without these, chromium keeps reaching for Google's hosts.
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
});
