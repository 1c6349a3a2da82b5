/**
 * Classroom mode, played like a teacher would: the NAT, DR and TUN seed labs step by step with the
 * headers the seed article describes, a broken design's failure step, step back, the Chinese
 * narration, the compare view, the scheduler playground, presenter view and the handouts.
 */
import type { Page } from '@playwright/test';
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { clickNode, loadTemplate, openApp, shot } from './helpers.ts';

async function enterClassroom(page: Page): Promise<void> {
  await page.getByTestId('mode-classroom').click();
  await expect(page.getByTestId('classroom')).toBeVisible();
  await expect(page.getByTestId('packet-token')).toBeVisible();
}

/** Presses → until the narration shows the seed article's step letter. */
async function stepToLetter(page: Page, letter: string): Promise<void> {
  for (let i = 0; i < 80; i++) {
    const badge = page.getByTestId('cls-article-step');
    if ((await badge.count()) > 0 && (await badge.innerText()) === `(${letter})`) return;
    await page.keyboard.press('ArrowRight');
  }
  throw new Error(`article step (${letter}) never reached`);
}

const hdr = (page: Page, field: string) => page.getByTestId(`hdr-${field}`);

async function expectField(page: Page, field: string, v: string | RegExp, changed: boolean): Promise<void> {
  await expect(hdr(page, field)).toContainText(v);
  await expect(hdr(page, field)).toHaveAttribute('data-changed', changed ? 'true' : 'false');
}

test('NAT lab: the director rewrites VIP → RIP at (c) and RIP → VIP on the way back at (f); step back restores', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'nat');
  await enterClassroom(page);
  await expect(page.getByTestId('cls-outcome')).toContainText('Works');
  // Step 0: the client's own packet, CIP → VIP, nothing in the IPVS table yet.
  await expectField(page, 'ip-src', '172.16.111.13', false);
  await expectField(page, 'ip-dst', '172.16.111.123', false);
  await expect(page.getByTestId('cls-conn-empty')).toBeVisible();

  await stepToLetter(page, 'a');
  await expect(page.getByTestId('nf-PREROUTING')).toHaveAttribute('data-current', 'true');
  await stepToLetter(page, 'c');
  // (c) IPVS (NAT) rewrites the destination to the chosen real server, in LOCAL_IN.
  await expectField(page, 'ip-src', '172.16.111.13', false);
  await expectField(page, 'ip-dst', /^192\.168\.111\.10[12]/, true);
  await expect(page.getByTestId('nf-LOCAL_IN')).toHaveAttribute('data-current', 'true');
  await expect(page.getByTestId('cls-conn-row')).toContainText('172.16.111.123:80');
  await expect(page.getByTestId('packet-token-change')).toContainText('ip.dst 192.168.111.10');
  await shot(page, 'classroom-nat');

  await stepToLetter(page, 'f');
  // (f) the reply comes back through the director, which puts the VIP back as the source (FORWARD).
  await expectField(page, 'ip-src', '172.16.111.123', true);
  await expectField(page, 'ip-dst', '172.16.111.13', false);
  await expect(page.getByTestId('nf-FORWARD')).toHaveAttribute('data-current', 'true');
  const atF = await page.getByTestId('cls-narration-text').innerText();
  const stepF = await page.getByTestId('cls-jump').inputValue();

  // The frame leaving the director towards the client carries source VIP.
  const leaving = page.locator('[data-testid^="cls-step-"][data-kind="transmit"]', { hasText: 'director → client' });
  await leaving.click();
  await expect(page.getByTestId('cls-place')).toContainText('director → client');
  await expectField(page, 'ip-src', '172.16.111.123', false);
  await expectField(page, 'ip-dst', '172.16.111.13', false);

  // Step back (← twice from the transmit to (f) is POSTROUTING, then (f)).
  await page.getByTestId('cls-jump').fill(String(Number(stepF) + 1));
  await page.getByTestId('cls-back').click();
  await expect(page.getByTestId('cls-jump')).toHaveValue(stepF);
  await expect(page.getByTestId('cls-narration-text')).toHaveText(atF);
  await expectField(page, 'ip-src', '172.16.111.123', true);
  await expect(page.getByTestId('nf-FORWARD')).toHaveAttribute('data-current', 'true');
});

test('DR lab: only the MACs change at the director; the IPs stay CIP → VIP', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'dr');
  await enterClassroom(page);
  await stepToLetter(page, 'c');
  await expectField(page, 'ip-src', '172.17.253.13', false);
  await expectField(page, 'ip-dst', '172.17.253.100', false);
  // The frame the director puts on the LAN towards the real server.
  await page
    .locator('[data-testid^="cls-step-"][data-kind="transmit"]', { hasText: /: lvs-server → rs/ })
    .first()
    .click();
  await expectField(page, 'eth-dst', /^02:/, true);
  await expectField(page, 'eth-src', /^02:/, true);
  await expectField(page, 'ip-src', '172.17.253.13', false);
  await expectField(page, 'ip-dst', '172.17.253.100', false);
  await expect(page.getByTestId('layer-outer')).toHaveCount(0);
  await shot(page, 'classroom-dr');
  // (e): the real server answers from the VIP itself, directly.
  await stepToLetter(page, 'e');
  await expectField(page, 'ip-src', '172.17.253.100', false);
  await expectField(page, 'ip-dst', '172.17.253.13', false);
});

test('TUN lab: the outer header DIP → RIP wraps the client packet CIP → VIP', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'tun');
  await enterClassroom(page);
  await stepToLetter(page, 'b');
  await expect(page.getByTestId('layer-outer')).toBeVisible();
  await expectField(page, 'outer-src', '172.18.0.10', true);
  await expectField(page, 'outer-dst', /^10\.20\.0\.1[12]$/, true);
  await expectField(page, 'ip-src', '172.18.0.13', false);
  await expectField(page, 'ip-dst', '172.18.0.100', false);
  await shot(page, 'classroom-tun');
  await stepToLetter(page, 'c');
  // (c) the real server's tunl0 takes the outer header off: CIP → VIP again.
  await expect(page.getByTestId('layer-outer')).toHaveCount(0);
  await expectField(page, 'ip-dst', '172.18.0.100', false);
});

test('a NAT real server without the director as gateway: the reply stops with the reason', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'nat');
  await clickNode(page, 'rs1');
  const gw = page.getByTestId('host-gateway');
  await gw.fill('');
  await gw.press('Enter');
  await enterClassroom(page);
  await page.getByTestId('cls-rs').selectOption('web-rs1');
  await expect(page.getByTestId('cls-outcome')).toContainText('Broken');
  await page.keyboard.press('End');
  await expect(page.getByTestId('packet-token')).toHaveClass(/is-drop/);
  await expect(page.getByTestId('cls-failure-reason')).toBeVisible();
  await expect(page.getByTestId('cls-failure-reason')).not.toBeEmpty();
  await expect(page.locator('.cls-steps tr.sev-error')).toHaveCount(1);
  await shot(page, 'classroom-broken');
  // Back in design mode the fix is one field away; the trace follows the design.
  await page.getByTestId('mode-design').click();
  await expect(page.getByTestId('tab-inspector')).toHaveAttribute('aria-selected', 'true');
  await clickNode(page, 'rs1');
  await page.getByTestId('host-gateway').fill('192.168.111.200');
  await page.getByTestId('host-gateway').press('Enter');
  // The Packet tab in the designer leads back into the classroom.
  await page.getByTestId('tab-packet').click();
  await page.getByTestId('cls-open-classroom').click();
  await expect(page.getByTestId('cls-outcome')).toContainText('Works');
});

test('keyboard, ARP filter and the Chinese narration', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'nat');
  await enterClassroom(page);
  await expect(page.locator('[data-testid^="cls-step-"][data-kind="arp-request"]').first()).toBeVisible();
  await page.getByTestId('cls-arp').uncheck();
  await expect(page.locator('[data-testid^="cls-step-"][data-kind="arp-request"]')).toHaveCount(0);
  await page.keyboard.press('Space');
  await expect(page.getByTestId('cls-pause')).toBeVisible();
  // Playback moves the cursor on by itself.
  await expect(page.getByTestId('packet-token')).not.toHaveAttribute('data-step', '0');
  await page.keyboard.press('Space');
  await expect(page.getByTestId('cls-play')).toBeVisible();
  await page.keyboard.press('Home');
  await expect(page.getByTestId('cls-jump')).toHaveValue('1');
  const en = await page.getByTestId('cls-narration-text').innerText();
  await stepToLetter(page, 'c');
  await page.getByTestId('language-select').selectOption('zh-CN');
  await expect(page.getByTestId('tab-packet')).toHaveText('数据包');
  await expect(page.getByTestId('cls-narration-text')).toHaveText(/[\u4e00-\u9fff]/);
  await expect(page.getByTestId('cls-article-step')).toHaveText('(c)');
  await shot(page, 'classroom-zh');
  await page.keyboard.press('Home');
  await expect(page.getByTestId('cls-narration-text')).not.toHaveText(en);
});

test('compare view: NAT carries the reply through the director, DR and TUN do not', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'nat');
  await page.getByTestId('mode-classroom').click();
  await page.getByTestId('cls-view-compare').click();
  await expect(page.getByTestId('cmp-nat-method')).toHaveText('NAT');
  await expect(page.getByTestId('cmp-dr-method')).toHaveText('DR');
  await expect(page.getByTestId('cmp-tun-method')).toHaveText('TUN');
  await expect(page.getByTestId('cmp-nat-share')).toContainText('100 %');
  await expect(page.getByTestId('cmp-dr-share')).toContainText(' 0 %');
  await expect(page.getByTestId('cmp-tun-share')).toContainText(' 0 %');
  const natReply = Number(await page.getByTestId('cmp-nat-share').getAttribute('data-reply-bytes'));
  expect(natReply).toBeGreaterThan(10240);
  await expect(page.getByTestId('cmp-dr-share')).toHaveAttribute('data-reply-bytes', '0');
  await expect(page.getByTestId('cmp-tun-atrs')).toContainText('[IPIP');
  await expect(page.getByTestId('cmp-nat-atrs')).toContainText('172.16.111.13 → 192.168.111.10');
  await expect(page.getByTestId('cmp-dr-atrs')).toContainText('172.17.253.13 → 172.17.253.100');
  await shot(page, 'classroom-compare');
  // "What if this NAT design forwarded by DR?": the real servers have no VIP, the walk says so.
  await page.getByTestId('cmp-current-as').selectOption('dr');
  await expect(page.getByTestId('cmp-current-method')).toHaveText('DR');
  await expect(page.getByTestId('cmp-current')).toContainText('✕');
  // Open the TUN lab from here: it becomes the design and the packet walk plays it.
  await page.getByTestId('cmp-tun-open').click();
  await expect(page.getByTestId('doc-title')).toContainText('TUN');
  await expect(page.getByTestId('cls-service')).toContainText('172.18.0.100:80');
});

test('scheduler playground: wrr follows the weights and reacts to a weight change and a drain', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'nat');
  await page.getByTestId('mode-classroom').click();
  await page.getByTestId('cls-view-scheduler').click();
  await page.getByTestId('pg-weight-web-rs1').fill('3');
  await page.getByTestId('pg-weight-web-rs1').press('Enter');
  await page.getByTestId('pg-count').fill('40');
  await page.getByTestId('pg-sendall').click();
  await expect(page.getByTestId('pg-assigned-web-rs1')).toHaveText('30');
  await expect(page.getByTestId('pg-assigned-web-rs2')).toHaveText('10');
  // Mid-run: drain rs2, send 20 more — all go to rs1.
  await page.getByTestId('pg-drain-web-rs2').click();
  await page.getByTestId('pg-count').fill('60');
  await page.getByTestId('pg-sendall').click();
  await expect(page.getByTestId('pg-assigned-web-rs1')).toHaveText('50');
  await expect(page.getByTestId('pg-assigned-web-rs2')).toHaveText('10');
  await expect(page.getByTestId('pg-events')).toContainText('rs2 weight 1 → 0');
  // Restore rs2 with weight 1 and run live: the rest arrive 3:1 while the clock runs.
  await page.getByTestId('pg-undrain-web-rs2').click();
  await page.getByTestId('pg-count').fill('100');
  await page.getByTestId('pg-rate').fill('50');
  await page.getByTestId('pg-speed').selectOption('10');
  await page.getByTestId('pg-start').click();
  await expect(page.getByTestId('pg-status')).toContainText('Sent 100 of 100');
  await expect(page.getByTestId('pg-assigned-web-rs1')).toHaveText('80');
  await expect(page.getByTestId('pg-assigned-web-rs2')).toHaveText('20');
  await shot(page, 'classroom-scheduler');
});

test('presenter view hides the editing chrome; Esc brings it back', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'dr');
  await enterClassroom(page);
  await stepToLetter(page, 'c');
  await page.getByTestId('cls-presenter').click();
  await expect(page.locator('.toolbar')).toBeHidden();
  await expect(page.locator('.right-panel')).toBeHidden();
  await expect(page.getByTestId('statusbar')).toBeHidden();
  await expect(page.getByTestId('cls-steps')).toBeHidden();
  await expect(page.getByTestId('cls-headerstrip')).toBeVisible();
  await expect(page.getByTestId('cls-narration')).toBeVisible();
  const size = await page
    .getByTestId('cls-narration')
    .evaluate((el) => parseFloat((globalThis as unknown as { getComputedStyle: (e: unknown) => { fontSize: string } }).getComputedStyle(el).fontSize));
  expect(size).toBeGreaterThanOrEqual(24);
  await page.keyboard.press('ArrowRight');
  await shot(page, 'classroom-presenter');
  await page.keyboard.press('Escape');
  await expect(page.locator('.toolbar')).toBeVisible();
  await expect(page.locator('.right-panel')).toBeVisible();
});

test('handouts: Markdown and HTML walkthroughs and the PNG frames as a zip', async ({ page }) => {
  test.setTimeout(360_000);
  await openApp(page);
  await loadTemplate(page, 'nat');
  await enterClassroom(page);
  await page.getByTestId('cls-arp').uncheck();
  await page.getByTestId('cls-export').click();
  const [md] = await Promise.all([page.waitForEvent('download'), page.getByTestId('cls-export-md').click()]);
  expect(md.suggestedFilename()).toMatch(/walkthrough\.md$/);
  const text = readFileSync((await md.path())!, 'utf8');
  expect(text).toContain('# Walkthrough: LVS-NAT lab');
  expect(text).toMatch(/\| \(c\) \|.*ip\.dst 192\.168\.111\.10[12]/);
  expect(text).toMatch(/\| \(f\) \|.*ip\.src 172\.16\.111\.123/);
  expect(text).not.toContain('ARP request');

  await page.getByTestId('cls-export').click();
  const [html] = await Promise.all([page.waitForEvent('download'), page.getByTestId('cls-export-html').click()]);
  const page2 = readFileSync((await html.path())!, 'utf8');
  expect(page2).toContain('<table>');
  expect(page2).toContain('(f)');

  await page.getByTestId('cls-export').click();
  const [zip] = await Promise.all([page.waitForEvent('download', { timeout: 320_000 }), page.getByTestId('cls-export-frames').click()]);
  expect(zip.suggestedFilename()).toMatch(/-frames\.zip$/);
  const bytes = readFileSync((await zip.path())!);
  expect(bytes.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
  const names = bytes.toString('latin1');
  expect(names).toContain('step-000.png');
  expect(names).toContain('walkthrough.md');
  // One frame per shown step: the step list folds the TCP data segments into one row, so count the steps from "Step n of N".
  const steps = Number((await page.getByTestId('cls-stepof').innerText()).match(/of (\d+)/)![1]);
  expect(steps).toBeGreaterThan(40);
  expect((names.match(/step-\d{3}\.png/g) ?? []).length).toBe(steps * 2);
});
