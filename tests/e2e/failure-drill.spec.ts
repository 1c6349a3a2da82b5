/**
 * The failure drill in the scheduler playground, as a teacher shows it at 1024×768: kill rs1 while
 * connections arrive; without a health check every connection rr gives it fails; with one, the
 * detection window is shaded, keepalived takes rs1 out when the window ends, and brings it back
 * after it answers again. In English and in Chinese.
 */
import type { Page } from '@playwright/test';
import { expect, test } from '@playwright/test';
import { loadTemplate, openApp, shot } from './helpers.ts';

test.use({ viewport: { width: 1024, height: 768 } });

/** Turns on an HTTP_GET check on the NAT lab's service with delay_loop 3 and connect_timeout 1. */
async function enableCheck(page: Page): Promise<void> {
  await page.getByTestId('tab-services').click();
  await page.getByTestId('service-item-web').click();
  const editor = page.getByTestId('health-check');
  await editor.getByTestId('hc-enable').check();
  await editor.getByTestId('hc-delay-loop').fill('3');
  await editor.getByTestId('hc-delay-loop').press('Enter');
  await editor.getByTestId('hc-connect-timeout').fill('1');
  await editor.getByTestId('hc-connect-timeout').press('Enter');
}

async function openPlayground(page: Page): Promise<void> {
  await page.getByTestId('mode-classroom').click();
  await page.getByTestId('cls-view-scheduler').click();
  await page.getByTestId('pg-scheduler').selectOption('rr');
}

const assigned = async (page: Page, id: string) => Number(await page.getByTestId(`pg-assigned-${id}`).innerText());

test('without a health check a killed server keeps getting connections, and every one fails', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'nat');
  await openPlayground(page);
  await page.getByTestId('pg-count').fill('20');
  await page.getByTestId('pg-rate').fill('10');
  await page.getByTestId('pg-kill-web-rs1').click();
  await expect(page.getByTestId('pg-dead-web-rs1')).toBeVisible();
  await expect(page.getByTestId('pg-nocheck')).toContainText('has no health check');
  await page.getByTestId('pg-sendall').click();
  await expect(page.getByTestId('pg-status')).toContainText('Sent 20 of 20');
  // rr still alternates: half of them went to the dead rs1.
  await expect(page.getByTestId('pg-assigned-web-rs1')).toHaveText('10');
  await expect(page.getByTestId('pg-failed')).toContainText('10 connections scheduled to a dead server');
});

test('with a health check: kill rs1, the detection window is shaded, keepalived takes it out, bring it back', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'nat');
  await enableCheck(page);
  await openPlayground(page);
  await page.getByTestId('pg-count').fill('5000');
  await page.getByTestId('pg-rate').fill('10');
  await page.getByTestId('pg-speed').selectOption('5');
  // Run a while, then kill rs1 mid-run, as in class.
  await page.getByTestId('pg-start').click();
  await expect.poll(() => assigned(page, 'web-rs1'), { timeout: 15_000 }).toBeGreaterThan(20);
  await page.getByTestId('pg-kill-web-rs1').click();
  await expect(page.getByTestId('pg-failmode')).toBeDisabled();
  await expect(page.getByTestId('pg-window-web-rs1')).toBeVisible();
  // The window ends with keepalived's reaction, listed in the event log…
  await expect(page.getByTestId('pg-ka-event').first()).toContainText('keepalived: rs1 removed from the table', { timeout: 15_000 });
  const line = /rs1 died at [\d.]+ s; keepalived took it out at [\d.]+ s \(([\d.]+) s later; for this check ([\d.]+)–([\d.]+) s\)/;
  await expect(page.getByTestId('pg-window-lines')).toContainText(line);
  // The measured delay lies inside the window computed from delay_loop, retry, delay_before_retry and connect_timeout.
  const [, secs, min, max] = line.exec(await page.getByTestId('pg-window-lines').innerText())!.map(Number);
  expect(secs).toBeGreaterThanOrEqual(min!);
  expect(secs).toBeLessThanOrEqual(max!);
  await expect(page.getByTestId('pg-failed')).toContainText('connections scheduled to a dead server');
  // …after which rs1 gets nothing while rs2 takes all.
  await page.getByTestId('pg-pause').click();
  const rs1Out = await assigned(page, 'web-rs1');
  const rs2Out = await assigned(page, 'web-rs2');
  await page.getByTestId('pg-start').click();
  await expect.poll(() => assigned(page, 'web-rs2'), { timeout: 15_000 }).toBeGreaterThan(rs2Out + 20);
  expect(await assigned(page, 'web-rs1')).toBe(rs1Out);
  await page.getByTestId('pg-pause').click();
  await page.getByTestId('pg-failures').scrollIntoViewIfNeeded();
  await shot(page, 'failure-drill-window');

  // Bring it back: keepalived re-adds it after its recovery window and rr shares again.
  await page.getByTestId('pg-revive-web-rs1').click();
  await expect(page.getByTestId('pg-dead-web-rs1')).toHaveCount(0);
  await page.getByTestId('pg-start').click();
  await expect(page.getByTestId('pg-window-lines')).toContainText(/rs1 answered again at [\d.]+ s; keepalived re-added it at [\d.]+ s\./, { timeout: 15_000 });
  await expect.poll(() => assigned(page, 'web-rs1'), { timeout: 15_000 }).toBeGreaterThan(rs1Out + 5);
  await page.getByTestId('pg-pause').click();
  await shot(page, 'failure-drill-back');
});

test('the drill in Simplified Chinese', async ({ page }) => {
  await openApp(page, { language: 'zh-CN' });
  await loadTemplate(page, 'nat');
  await enableCheck(page);
  await openPlayground(page);
  await expect(page.getByTestId('pg-kill-web-rs1')).toHaveText('宕掉');
  await page.getByTestId('pg-kill-web-rs1').click();
  await expect(page.getByTestId('pg-revive-web-rs1')).toHaveText('恢复运行');
  await expect(page.getByTestId('pg-failures')).toContainText('故障时间线');
  await expect(page.getByTestId('pg-window-lines')).toContainText('keepalived 将在');
  await page.getByTestId('pg-failures').scrollIntoViewIfNeeded();
  await shot(page, 'failure-drill-zh');
});
