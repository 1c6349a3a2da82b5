/**
 * The TCP connection behind the packet walk, as a teacher opens it: MSS, the reply's segments
 * collapsed into one group that expands, the IPVS entry's states; DR's input-only view; TUN's
 * "fragmentation needed" on the tunnel leg.
 */
import { expect, test } from '@playwright/test';
import { loadTemplate, openApp, shot } from './helpers.ts';

test('NAT lab: handshake, one collapsed group of reply segments that expands, TIME_WAIT at the end', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'nat');
  await page.getByTestId('mode-classroom').click();
  const tcp = page.getByTestId('cls-tcp');
  await expect(tcp).toContainText('MSS 1460 bytes, 8 reply segments');
  await expect(tcp).toContainText('TIME_WAIT');
  await tcp.locator('summary').click();
  await expect(tcp.locator('tbody')).toContainText('SYN');
  await expect(tcp.locator('tbody')).toContainText('SYN_RECV (60 s)');
  await expect(tcp.locator('tbody')).toContainText('ESTABLISHED (900 s)');
  await expect(page.getByTestId('cls-tcp-group')).toHaveCount(1);
  await expect(page.getByTestId('cls-tcp-group')).toContainText('8 data segments, 4 ACKs (10240 bytes)');
  const rowsBefore = await tcp.locator('tbody tr').count();
  await page.getByTestId('cls-tcp-group-toggle').click();
  await expect(tcp.locator('tbody tr')).toHaveCount(rowsBefore + 12);
  await expect(page.getByTestId('cls-tcp-group-toggle')).toHaveAttribute('aria-expanded', 'true');
  await shot(page, 'classroom-tcp-nat');
  await page.getByTestId('cls-tcp-group-toggle').click();
  await expect(tcp.locator('tbody tr')).toHaveCount(rowsBefore);
});

test('DR and TUN: the director sees only the client side; TUN needs fragmentation on the tunnel leg', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'dr');
  await page.getByTestId('mode-classroom').click();
  const tcp = page.getByTestId('cls-tcp');
  await expect(tcp).toContainText('FIN_WAIT');
  await tcp.locator('summary').click();
  await expect(tcp).toContainText('INPUT_ONLY');
  await expect(tcp.locator('tbody')).toContainText('not seen by the director');
  await page.getByTestId('mode-design').click();
  await loadTemplate(page, 'tun');
  await page.getByTestId('mode-classroom').click();
  await expect(tcp).toContainText('MSS 1440 bytes');
  await tcp.locator('summary').click();
  await expect(page.getByTestId('cls-tcp-frag').first()).toContainText('1520 bytes on this 1500-byte link');
  await shot(page, 'classroom-tcp-tun');
});

test('the TCP view in Chinese', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'dr');
  await page.getByTestId('mode-classroom').click();
  await page.getByTestId('language-select').selectOption('zh-CN');
  const tcp = page.getByTestId('cls-tcp');
  await expect(tcp).toContainText('TCP 连接：MSS 1460 字节，应答分 8 个报文段');
  await tcp.locator('summary').click();
  await expect(tcp).toContainText('INPUT_ONLY 状态表');
  await expect(tcp.locator('tbody')).toContainText('调度器看不到');
  await expect(page.getByTestId('cls-tcp-group')).toContainText('8 个数据报文段，4 个 ACK（10240 字节）');
  await shot(page, 'classroom-tcp-zh');
});

test('at 1024×768 the folded TCP line is on screen below the event list', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await openApp(page);
  await loadTemplate(page, 'nat');
  await page.getByTestId('mode-classroom').click();
  const box = await page.getByTestId('cls-tcp').locator('summary').boundingBox();
  expect(box).not.toBeNull();
  expect(box!.y + box!.height).toBeLessThanOrEqual(768);
  expect(box!.x).toBeGreaterThanOrEqual(0);
  await shot(page, 'classroom-tcp-1024');
});

test('at 1024×768 a person steps through the handshake in the walk, watches the IPVS state move, and unfolds the data segments', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await openApp(page);
  await loadTemplate(page, 'nat');
  await page.getByTestId('mode-classroom').click();
  const steps = page.getByTestId('cls-steps');
  const narr = page.getByTestId('cls-narration-text');
  // The walk goes on after the reply: the first TCP row is the SYN.
  const syn = steps.locator('tr[data-kind="segment"]').first();
  await syn.scrollIntoViewIfNeeded();
  await expect(syn).toContainText('TCP SYN');
  await syn.click();
  await expect(narr).toContainText('opens the connection (SYN)');
  await expect(narr).toContainText('seq 0, ack 0');
  await page.keyboard.press('ArrowRight');
  await expect(narr).toContainText('from NONE to SYN_RECV');
  await page.keyboard.press('ArrowRight');
  await expect(narr).toContainText('accepts it (SYN-ACK)');
  await expect(narr).toContainText('seq 0, ack 1');
  await page.keyboard.press('ArrowRight');
  await expect(narr).toContainText('completes the three-way handshake (ACK)');
  await page.keyboard.press('ArrowRight');
  await expect(narr).toContainText('from SYN_RECV to ESTABLISHED');
  await expect(narr).toContainText('expires in 900 s');
  await shot(page, 'classroom-tcp-walk-handshake');
  // The 8 data segments and 4 ACKs are one row until someone opens it.
  const group = page.getByTestId('cls-step-group');
  await expect(group).toHaveCount(1);
  await expect(group).toContainText('8 data segments, 4 ACKs (10240 bytes)');
  const rowsBefore = await steps.locator('tbody tr').count();
  await page.keyboard.press('ArrowRight');
  await expect(narr).toContainText('sends the request, 100 bytes');
  await page.keyboard.press('ArrowRight');
  // Playing into the group highlights the folded row.
  await expect(narr).toContainText('sends 1460 bytes of the response');
  await expect(group).toHaveAttribute('aria-current', 'step');
  await group.click();
  await expect(steps.locator('tbody tr')).toHaveCount(rowsBefore + 11);
  await expect(steps.locator('tr[data-kind="segment"].is-current')).toContainText('TCP ACK');
  await shot(page, 'classroom-tcp-walk-open');
  await page.getByTestId('cls-step-group-close').click();
  await expect(steps.locator('tbody tr')).toHaveCount(rowsBefore);
  // To the end: FIN both ways, TIME_WAIT (02:00) in ipvsadm -Lnc.
  await page.keyboard.press('End');
  await expect(narr).toContainText('acknowledges the last FIN');
  const last = steps.locator('tr[data-kind="conn-state"]').last();
  await expect(last).toContainText('IPVS → TIME_WAIT');
  const box = await last.boundingBox();
  expect(box).not.toBeNull();
  expect(box!.y + box!.height).toBeLessThanOrEqual(768);
  await shot(page, 'classroom-tcp-walk-end');
});

test('DR in Chinese: the SYN-ACK bypasses the director, the entry moves by the INPUT_ONLY table', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await openApp(page, { language: 'zh-CN' });
  await loadTemplate(page, 'dr');
  await page.getByTestId('mode-classroom').click();
  const steps = page.getByTestId('cls-steps');
  const narr = page.getByTestId('cls-narration-text');
  await steps.locator('tr[data-kind="segment"]').first().click();
  await expect(narr).toContainText('发起连接（SYN）');
  await page.keyboard.press('ArrowRight');
  await expect(narr).toContainText('INPUT_ONLY 表');
  await page.keyboard.press('ArrowRight');
  await expect(narr).toContainText('调度器看不到它');
  await expect(page.getByTestId('cls-step-group')).toContainText('8 个数据报文段，4 个 ACK（10240 字节）');
  await shot(page, 'classroom-tcp-walk-dr-zh');
});
