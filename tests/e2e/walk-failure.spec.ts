/**
 * The packet walk with a dead real server, as a teacher shows it at 1024×768: mark rs1 down in the
 * classroom, see it greyed with a DOWN badge on the stage, play the SYN to the dead host (no answer,
 * retransmits), move past keepalived's detection (the request goes to rs2), then the stopped
 * service (RST back to the client). In English and in Chinese.
 */
import type { Page } from '@playwright/test';
import { expect, test } from '@playwright/test';
import { loadTemplate, node, openApp, shot } from './helpers.ts';

test.use({ viewport: { width: 1024, height: 768 } });

/** HTTP_GET on the NAT lab's service with delay_loop 3 and connect_timeout 1: a silent host is out after 5–8 s. */
async function enableCheck(page: Page): Promise<void> {
  await page.getByTestId('tab-services').click();
  await page.getByTestId('service-item-web').click();
  const editor = page.getByTestId('health-check');
  await editor.getByTestId('hc-enable').check();
  await editor.getByTestId('hc-delay-loop').fill('3');
  await editor.getByTestId('hc-delay-loop').press('Enter');
  await editor.getByTestId('hc-connect-timeout').fill('1');
  await editor.getByTestId('hc-connect-timeout').press('Enter');
  await expect(editor.getByTestId('hc-window')).toContainText('5–8');
}

async function enterWalk(page: Page): Promise<void> {
  await page.getByTestId('mode-classroom').click();
  await expect(page.getByTestId('classroom')).toBeVisible();
  await expect(page.getByTestId('packet-token')).toBeVisible();
  // "What if the scheduler gives this client rs1?"
  await page.getByTestId('cls-rs').selectOption('web-rs1');
  // The failure row is folded into one button of the picker row until a teacher opens it.
  await expect(page.getByTestId('cls-failure')).toHaveCount(0);
  await page.getByTestId('cls-failure-toggle').click();
  await expect(page.getByTestId('cls-failure')).toBeVisible();
}

/** The text of the last row of the step list. */
const lastRow = (page: Page) => page.getByTestId('cls-steps').locator('[data-testid^="cls-step-"]').last();

test('rs1 down: the SYN goes to the dead host until keepalived removes it, then to rs2; a stopped service answers RST', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'nat');
  await enableCheck(page);
  await enterWalk(page);
  await expect(page.getByTestId('cls-outcome')).toContainText('Works');

  await page.getByTestId('cls-down-web-rs1').check();
  // The stage: rs1 greyed with a DOWN badge; rs2 untouched.
  await expect(node(page, 'rs1')).toHaveClass(/cls-down/);
  await expect(node(page, 'rs2')).not.toHaveClass(/cls-down/);
  await expect(page.getByTestId('cls-down-badge-rs1')).toHaveText(/DOWN/);
  await expect(page.getByTestId('cls-fail-detect')).toContainText('keepalived takes it out after 8 s');
  // Just failed, host gone: the SYN dies at rs1 and the client retransmits.
  await expect(page.getByTestId('cls-fail-since-value')).toHaveText('0 s');
  await expect(page.getByTestId('cls-outcome')).toContainText('Server failure: SYN to a dead host, no answer');
  await page.getByTestId('cls-end').click();
  await expect(page.getByTestId('cls-narration-text')).toContainText('rs1 is gone: nothing receives it');
  await expect(page.getByTestId('cls-narration-text')).toContainText('retransmits the SYN after 1, 2, 4, 8, 16 and 32 s');
  await expect(lastRow(page)).toContainText('rs1');
  // The IPVS schedule step says why rs1 was still a destination.
  await expect(page.getByTestId('cls-steps')).toContainText('died 0 s ago');
  await shot(page, 'walk-failure-silent');

  // In the detection window (4 s): still the dead host.
  await page.getByTestId('cls-fail-inWindow').click();
  await expect(page.getByTestId('cls-fail-since-value')).toHaveText('4 s');
  await expect(page.getByTestId('cls-outcome')).toContainText('SYN to a dead host');
  await expect(page.getByTestId('cls-steps')).toContainText('died 4 s ago');

  // After detection (9 s): keepalived removed rs1; the request goes to rs2 and the walk works.
  await page.getByTestId('cls-fail-afterDetection').click();
  await expect(page.getByTestId('cls-fail-since-value')).toHaveText('9 s');
  await expect(page.getByTestId('cls-outcome')).toContainText('Works');
  await expect(page.getByTestId('cls-steps')).toContainText('removed rs1 from the table');
  await expect(page.getByTestId('cls-steps')).toContainText('192.168.111.102');
  await expect(node(page, 'rs1')).toHaveClass(/cls-down/);
  await shot(page, 'walk-failure-after-detection');

  // Service stopped, just failed: rs1's kernel resets, the RST walks back through the director.
  await page.getByTestId('cls-fail-mode').selectOption('refused');
  await page.getByTestId('cls-fail-justFailed').click();
  await expect(page.getByTestId('cls-outcome')).toContainText('refused (RST)');
  await expect(page.getByTestId('cls-steps')).toContainText('answers with a TCP RST');
  await page.getByTestId('cls-end').click();
  await expect(page.getByTestId('cls-narration-text')).toContainText('Connection refused');
  await expect(lastRow(page)).toContainText('client');
  await shot(page, 'walk-failure-rst');

  // Presenter view: the failure row goes with the editing chrome, the stage keeps the DOWN badge.
  await page.getByTestId('cls-presenter').click();
  await expect(page.getByTestId('cls-failure')).toBeHidden();
  await expect(page.getByTestId('cls-down-badge-rs1')).toBeVisible();
  const stage = await page.getByTestId('cls-stage').boundingBox();
  expect(stage?.height ?? 0).toBeGreaterThan(400);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('cls-failure')).toBeVisible();

  // Bring it back: no failure, no badge; folding the row leaves the picker row alone.
  await page.getByTestId('cls-down-web-rs1').uncheck();
  await expect(page.getByTestId('cls-down-badge-rs1')).toHaveCount(0);
  await expect(page.getByTestId('cls-outcome')).toContainText('Works');
  await page.getByTestId('cls-failure-toggle').click();
  await expect(page.getByTestId('cls-failure')).toHaveCount(0);
});

test('rs1 down in Simplified Chinese', async ({ page }) => {
  await openApp(page, { language: 'zh-CN' });
  await loadTemplate(page, 'nat');
  await enableCheck(page);
  await enterWalk(page);
  await page.getByTestId('cls-down-web-rs1').check();
  await expect(page.getByTestId('cls-down-badge-rs1')).toHaveText(/宕机/);
  await expect(page.getByTestId('cls-failure')).toContainText('主机消失（无应答）');
  await expect(page.getByTestId('cls-fail-detect')).toContainText('keepalived 在 8 秒后将其移出');
  await expect(page.getByTestId('cls-outcome')).toContainText('服务器宕机：SYN 发往已宕机主机，无应答');
  await page.getByTestId('cls-end').click();
  await expect(page.getByTestId('cls-narration-text')).toContainText('重传 SYN');
  await shot(page, 'walk-failure-zh');
  await page.getByTestId('cls-fail-afterDetection').click();
  await expect(page.getByTestId('cls-outcome')).toContainText('正常');
  await expect(page.getByTestId('cls-steps')).toContainText('移出转发表');
});
