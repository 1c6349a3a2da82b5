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
