/**
 * Playwright: the designer in Debian's chromium against the real browser-mode backend. The web
 * server builds the renderer, then runs `lvsd serve` on a throw-away data directory; the token goes
 * in the URL fragment as a user would get it from `lvsd serve`'s output.
 */
import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// LVS_E2E_PORT lets the test runner pick a free port (scripts/test-all.sh does).
export const E2E_PORT = Number(process.env.LVS_E2E_PORT ?? 5199);
export const E2E_TOKEN = 'e2e-token';

// Created once by the runner; workers inherit it through the environment.
process.env.LVS_E2E_DATA ??= mkdtempSync(join(tmpdir(), 'lvs-e2e-'));

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  outputDir: `../../test-results/e2e-${E2E_PORT}`,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  // One backend, one recovery slot: specs run one after the other.
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: 'list',
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    viewport: { width: 1440, height: 900 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    browserName: 'chromium',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    },
  },
  webServer: {
    command: `npx vite build --logLevel warn && node bin/lvsd.mjs serve --port ${E2E_PORT} --token ${E2E_TOKEN} --data-dir ${process.env.LVS_E2E_DATA}`,
    cwd: '../..',
    url: `http://127.0.0.1:${E2E_PORT}/`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
