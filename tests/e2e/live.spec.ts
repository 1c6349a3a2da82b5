/**
 * The Live tab against REAL OpenSSH: the DR seed lab's director and real servers are network
 * namespaces with their own sshd (tests/e2e/live-hosts.ts); the director's ipvsadm is a stand-in
 * that prints output recorded from the real kernel in the qemu lab. A person opens the design,
 * starts the live view and reads the numbers ipvsadm printed, on the panel and on the host cards;
 * then someone quiesces rs2 by hand: the drift, its diff and the greyed card show. "Why here?"
 * explains a connection; hiding the window pauses polling; the same in Simplified Chinese. Screenshots
 * at 1024x768.
 *
 * Skipped (with the reason) when not root, without sshd or without `ip netns`.
 */
import { expect, test } from '@playwright/test';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DesignFile } from '../../shared/model/types.ts';
import type { LiveHosts } from './live-hosts.ts';
import { UiLiveLab, netnsUnavailable, startLiveHosts } from './live-hosts.ts';
import { node, openApp, shot, waitNodesVisible, toolbarClick } from './helpers.ts';

const unavailable = netnsUnavailable();
let L: LiveHosts;

test.describe('Live view against real OpenSSH in network namespaces', () => {
  test.skip(unavailable !== null, `skipped: ${unavailable ?? ''}`);

  test.beforeAll(async () => {
    L = await startLiveHosts({ lab: new UiLiveLab() });
    // The backend trusts what a deploy trusted: its known_hosts in the data directory.
    appendFileSync(join(process.env.LVS_E2E_DATA!, 'known_hosts'), readFileSync(L.knownHosts.appFile, 'utf8'));
  });

  test.afterAll(async () => {
    await L?.lab.close();
  });

  test('live numbers equal what ipvsadm printed; a manual change shows as drift; why here; paused when hidden; Chinese', async ({ page }) => {
    test.setTimeout(180_000);
    await page.setViewportSize({ width: 1024, height: 768 });
    await openApp(page);
    const example = JSON.parse(readFileSync(new URL('../../examples/dr-lab.lvs.json', import.meta.url), 'utf8')) as DesignFile;
    const file = JSON.stringify({ ...example, topology: L.topology });
    await toolbarClick(page, 'tb-open');
    await page.getByTestId('open-upload').setInputFiles({ name: 'live-e2e.lvs.json', mimeType: 'application/json', buffer: Buffer.from(file) });
    await waitNodesVisible(page);

    await page.getByTestId('tab-live').click();
    await page.getByTestId('live-start').click();
    // what the stand-in prints (tests/fixtures/live/dr-lab, real lab output): rate 2 conn/s, 833 B/s in
    const rate = page.getByTestId('live-rate-web');
    await expect(rate).toContainText('2 conn/s', { timeout: 30_000 });
    await expect(rate).toContainText('833 B/s');
    await expect(rate).toContainText('0 B/s');
    const rs1 = page.getByTestId('live-dest-web-rs1');
    await expect(rs1.locator('td')).toHaveText(['web-rs1', '1', '0', '10', '1', '50.0%', '50.0%', '+0.0']);
    await expect(page.getByTestId('live-dest-web-rs2').locator('td')).toHaveText(['web-rs2', '1', '0', '10', '1', '50.0%', '50.0%', '+0.0']);
    await expect(page.getByTestId('live-vip-172.17.253.100')).toHaveAttribute('data-status', 'ok');
    await expect(page.getByTestId('live-vip-172.17.253.100')).toContainText('held by director');
    await expect(page.getByTestId('live-no-drift')).toBeVisible();
    await expect(page.getByTestId('live-host-client')).toContainText('not polled');
    // on the canvas: ActiveConn/InActConn · conn/s per real server
    await expect(node(page, 'rs1').getByTestId('live-conns-rs1')).toHaveText('0/10 · 1/s');
    await expect(node(page, 'rs1').getByTestId('live-conns-rs1')).toHaveAttribute('data-live-state', 'up');
    // on the links: conn/s and bytes/s in (rs1: 1 c/s, 414 B/s; the director's VIP interface: the service's 2 c/s, 833 B/s)
    await expect(page.getByTestId('live-edge-rs1-eth0')).toHaveText('1 c/s · 414 B/s');
    await expect(page.getByTestId('live-edge-rs2-eth0')).toHaveText('1 c/s · 419 B/s');
    await expect(page.getByTestId('live-edge-director-eth0')).toHaveText('2 c/s · 833 B/s');
    // the chart needs two samples
    await expect(page.getByTestId('live-chart-web')).toBeVisible({ timeout: 20_000 });
    await shot(page, 'live-overview');

    // Someone quiesces rs2 by hand on the director (weight 0): drift, diff, greyed card.
    const list = join(L.ipvsData.get('director')!, 'list.txt');
    const original = readFileSync(list, 'utf8');
    writeFileSync(list, original.replace(/(192\.168\.163\.103:80\s+Route\s+)1 /, '$10 '));
    await expect(page.getByTestId('live-drift-diff-director')).toContainText('- ipvs tcp 172.17.253.100:80 → 192.168.163.103:80: dr weight 1', {
      timeout: 20_000,
    });
    await expect(page.getByTestId('live-drift-diff-director')).toContainText('+ ipvs tcp 172.17.253.100:80 → 192.168.163.103:80: dr weight 0');
    await expect(node(page, 'director').getByTestId('live-drift-director')).toBeVisible();
    await expect(node(page, 'rs2').getByTestId('live-conns-rs2')).toHaveAttribute('data-live-state', 'weight0');
    await expect(page.getByTestId('live-dest-web-rs2')).toHaveClass(/state-weight0/);
    // expected share follows the live weights: rs2 0 %, so 50 points off
    await expect(page.getByTestId('live-dest-web-rs2').locator('td').nth(6)).toHaveText('0.0%');
    await page.getByTestId('live-drift-diff-director').scrollIntoViewIfNeeded();
    await shot(page, 'live-drift');
    writeFileSync(list, original);

    // Why did this client land there?
    await page.getByTestId('live-show-conns-director').click();
    await page.getByTestId('live-conn-entry').first().getByRole('button', { name: 'Why here?' }).click();
    await expect(page.getByTestId('live-why')).toContainText('Weighted round robin');
    await expect(page.getByTestId('live-why')).toContainText('rotation order not visible');
    await page.getByTestId('live-why').scrollIntoViewIfNeeded();
    await shot(page, 'live-why');

    // Window hidden: polling pauses (the stand-in is not called any more); shown again: it resumes.
    const calls = () => readFileSync(join(L.ipvsData.get('director')!, 'calls.log'), 'utf8').split('\n').length;
    const setVisibility = (state: 'hidden' | 'visible') =>
      page.evaluate((v) => {
        const doc = (globalThis as unknown as { document: { dispatchEvent(e: unknown): void } }).document;
        Object.defineProperty(doc, 'visibilityState', { value: v, configurable: true });
        doc.dispatchEvent(new (globalThis as unknown as { Event: new (n: string) => unknown }).Event('visibilitychange'));
      }, state);
    await setVisibility('hidden');
    await expect(page.getByText('Paused while the window is hidden.')).toBeVisible();
    await page.waitForTimeout(1500); // a poll already running may still finish
    const before = calls();
    await page.waitForTimeout(5000);
    expect(calls()).toBe(before);
    await setVisibility('visible');
    await expect(page.getByText('Paused while the window is hidden.')).toBeHidden();
    await expect.poll(calls, { timeout: 10_000 }).toBeGreaterThan(before);

    await page.getByTestId('language-select').selectOption('zh-CN');
    await expect(page.getByTestId('live-why')).toContainText('加权轮询');
    await expect(page.getByTestId('tab-live')).toHaveText('实时');
    await page.getByTestId('live-rate-web').scrollIntoViewIfNeeded();
    await shot(page, 'live-zh');
    await page.getByRole('button', { name: '停止' }).click();
    await expect(page.getByTestId('live-start')).toBeVisible();
  });
});
