/**
 * "Run in the built-in lab" as a person uses it: open the DR seed lab, click Run in the built-in lab
 * in the Deploy tab, watch the VM start and the deploy run (no host-key question: the lab's own key
 * is trusted for exactly its endpoints), see every host verified and the end-to-end check answered
 * by both real servers, open the live view (the director holds the VIP, as its kernel reports), and
 * stop the lab (its VM is gone). A second backend without qemu on its PATH shows why the lab cannot run.
 *
 * The real run is skipped (with the reason) when this machine cannot run the qemu lab.
 */
import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { labUnavailableReason, runningPersistentLab } from '../../electron/services/lab/vm.ts';
import { labDown } from '../../electron/services/lab/up.ts';
import { loadTemplate, openApp, shot, toolbarClick, waitNodesVisible, waitReady } from './helpers.ts';
import type { Page } from '@playwright/test';

const ROOT = resolve(import.meta.dirname, '../..');

async function openDrLab(page: Page): Promise<void> {
  const file = readFileSync(join(ROOT, 'examples/dr-lab.lvs.json'));
  await toolbarClick(page, 'tb-open');
  await page.getByTestId('open-upload').setInputFiles({ name: 'dr-lab.lvs.json', mimeType: 'application/json', buffer: file });
  await waitNodesVisible(page);
}

// the persistent lab VM of the default lab directory (other lab VMs, e.g. of tests, are not this one)
const labRunning = (): boolean => runningPersistentLab() !== null;

test.describe('Run in the built-in lab', () => {
  const unavailable = labUnavailableReason();
  let startedHere = false;

  // A failed run must not leave the VM behind (the backend is killed, not closed, after the suite).
  test.afterAll(async () => {
    if (startedHere) await labDown();
  });

  test('the DR lab runs on a real kernel from one click, shows live, and stops', async ({ page }) => {
    test.skip(unavailable !== null, `skipped: ${unavailable ?? ''}`);
    test.skip(labRunning(), 'skipped: a lab VM of the user is running (lvsd lab up); this test would replace its hosts');
    test.setTimeout(480_000);
    await page.setViewportSize({ width: 1024, height: 768 });
    await openApp(page);
    await openDrLab(page);
    await page.getByTestId('tab-deploy').click();
    const section = page.getByTestId('lab-section-deploy');
    await expect(section).toContainText('Built-in lab');
    await expect(page.getByTestId('lab-run-deploy')).toBeEnabled();
    await shot(page, 'lab-run-before');

    startedHere = true;
    await page.getByTestId('lab-run-deploy').click();
    await expect(page.getByTestId('lab-phase-deploy')).toContainText('Starting the lab VM');
    await expect(section).toHaveAttribute('data-phase', 'deploying', { timeout: 240_000 });
    await expect(page.getByTestId('lab-ready-deploy')).toContainText('Lab ready in');
    // the hosts now point at the lab: 127.0.0.1 endpoints, key auth as root
    await expect(page.getByTestId('deploy-host-director')).toContainText('root@127.0.0.1:');
    await expect(section).toHaveAttribute('data-phase', 'live', { timeout: 240_000 });
    // no host-key question was asked (the lab key is trusted for its endpoints only)
    await expect(page.getByTestId('trust-dialog')).toHaveCount(0);
    await expect(page.getByTestId('deploy-outcome')).toHaveAttribute('data-outcome', 'success');
    for (const id of ['director', 'rs1', 'rs2']) await expect(page.getByTestId(`deploy-status-${id}`)).toHaveAttribute('data-status', 'verified');
    const e2e = page.getByTestId('e2e-results');
    await expect(e2e).toContainText('20/20');
    await expect(e2e).toContainText('rs1');
    await expect(e2e).toContainText('rs2');
    await shot(page, 'lab-run-deployed');

    await page.getByTestId('lab-open-live').click();
    await expect(page.getByTestId('lab-section-live')).toHaveAttribute('data-phase', 'live');
    const vip = page.getByTestId('live-vip-172.17.253.100');
    await expect(vip).toHaveAttribute('data-status', 'ok', { timeout: 60_000 });
    await expect(vip).toContainText('held by director');
    await shot(page, 'lab-run-live');

    await page.getByTestId('lab-stop-live').click();
    await expect(page.getByTestId('lab-section-live')).toHaveCount(0, { timeout: 60_000 });
    expect(labRunning()).toBe(false);
    await page.getByTestId('tab-deploy').click();
    await expect(page.getByTestId('lab-stop-deploy')).toBeDisabled();
    // one Undo gives the hosts their own SSH settings back
    await page.keyboard.press('Control+z');
    await expect(page.getByTestId('deploy-host-director')).not.toContainText('127.0.0.1');
  });

  test('without qemu the section says why, in English and Chinese', async ({ browser }) => {
    // a second backend whose PATH has no qemu (node is started by its absolute path)
    const empty = mkdtempSync(join(tmpdir(), 'lvs-nopath-'));
    const data = mkdtempSync(join(tmpdir(), 'lvs-e2e-nolab-'));
    const port = 20000 + Math.floor(Math.random() * 20000);
    const server: ChildProcess = spawn(
      process.execPath,
      ['bin/lvsd.mjs', 'serve', '--port', String(port), '--token', 'nolab-token', '--data-dir', data, '--static-dir', 'dist/renderer'],
      { cwd: ROOT, env: { ...process.env, PATH: empty }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      await new Promise<void>((ok, fail) => {
        let out = '';
        server.stdout!.on('data', (b: Buffer) => {
          out += b.toString();
          if (out.includes('is running at')) ok();
        });
        server.stderr!.on('data', (b: Buffer) => (out += b.toString()));
        server.on('exit', (c) => fail(new Error(`lvsd serve exited ${c}: ${out}`)));
        setTimeout(() => fail(new Error(`lvsd serve did not start: ${out}`)), 30_000);
      });
      const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
      await page.goto(`http://127.0.0.1:${port}/#token=nolab-token`);
      await waitReady(page);
      if (await page.getByTestId('recover-dialog').isVisible()) await page.getByTestId('recover-discard').click();
      await openDrLab(page);
      await page.getByTestId('tab-deploy').click();
      await expect(page.getByTestId('lab-unavailable-deploy')).toContainText('qemu-system-x86_64 is not installed');
      await expect(page.getByTestId('lab-run-deploy')).toHaveCount(0);
      await shot(page, 'lab-run-unavailable');
      // the same in Simplified Chinese
      await page.evaluate(() =>
        (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('lvs.language', 'zh-CN'),
      );
      await page.reload();
      await waitReady(page);
      if (await page.getByTestId('recover-dialog').isVisible()) await page.getByTestId('recover-discard').click();
      await page.getByTestId('tab-deploy').click();
      await expect(page.getByTestId('lab-section-deploy')).toContainText('内置实验环境');
      await expect(page.getByTestId('lab-unavailable-deploy')).toContainText('内置实验环境无法在此运行');
      await page.close();
    } finally {
      server.kill('SIGTERM');
      rmSync(empty, { recursive: true, force: true });
      rmSync(data, { recursive: true, force: true });
    }
  });
});

test('an empty design cannot be run in the lab, and the section says so', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await openApp(page);
  await loadTemplate(page, 'empty');
  await page.getByTestId('tab-deploy').click();
  await expect(page.getByTestId('lab-section-deploy')).toBeVisible();
  // on a machine without qemu the other test covers the message
  if (await page.getByTestId('lab-unavailable-deploy').isVisible()) return;
  await expect(page.getByTestId('lab-run-deploy')).toBeDisabled();
  await expect(page.getByTestId('lab-blocked-deploy')).toContainText('no hosts');
});
