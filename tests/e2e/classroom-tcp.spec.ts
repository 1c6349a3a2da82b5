/**
 * The TCP connection behind the packet walk, as a teacher opens it: MSS, the reply's segments
 * collapsed into one group that expands, the IPVS entry's states; DR's input-only view; TUN's
 * "fragmentation needed" on the tunnel leg.
 */
import type { Page } from '@playwright/test';
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

/** The stage's lit wires: the interface ids of the link edges drawn as active. */
async function litWires(page: Page): Promise<string[]> {
  const edges = page.getByTestId('cls-stage').locator('.react-flow__edge.cls-edge-active');
  const ids: string[] = [];
  for (let i = 0; i < (await edges.count()); i++) ids.push(((await edges.nth(i).getAttribute('data-testid')) ?? '').replace('rf__edge-', ''));
  return ids.sort();
}

test('at 1024×768 a person walks the SYN wire by wire, unfolds a segment into its hops, and ends on TIME_WAIT', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await openApp(page);
  await loadTemplate(page, 'nat');
  await page.getByTestId('mode-classroom').click();
  // Below 1280 px the side panel starts folded: open its Packet tab for the headers and the IPVS table.
  await page.getByTestId('strip-tab-packet').click();
  const steps = page.getByTestId('cls-steps');
  const narr = page.getByTestId('cls-narration-text');
  // After the one-request walk, each TCP segment is one row: SYN, SYN-ACK, ACK, request, data group, FIN, FIN, ACK.
  const segRows = steps.getByTestId('cls-step-seg');
  await expect(segRows).toHaveCount(7);
  await expect(steps.getByTestId('cls-step-group')).toHaveCount(1);
  const syn = segRows.first();
  await syn.scrollIntoViewIfNeeded();
  await expect(syn).toContainText('TCP SYN');
  await expect(syn).toContainText('client → director → rs2');
  await expect(syn.getByTestId('cls-step-seg-wires')).toHaveText('wires: 2 · IPVS → SYN_RECV');
  await syn.click();
  // Wire 1: client → director on the public segment, to the VIP.
  await expect(narr).toContainText('opens the connection (SYN)');
  await expect(narr).toContainText('Wire 1/2 · SYN: client');
  await expect(syn).toHaveAttribute('aria-current', 'step');
  await expect(syn.getByTestId('cls-step-seg-wires')).toContainText('wire 1/2');
  await expect.poll(() => litWires(page)).toEqual(['client-eth0', 'director-eth0']);
  await expect(page.getByTestId('hdr-ip-dst')).toContainText('172.16.111.123');
  await page.keyboard.press('ArrowRight');
  // The director's IPVS entry moves as the kernel's table says.
  await expect(narr).toContainText('from NONE to SYN_RECV');
  await expect(page.getByTestId('cls-conn-row')).toContainText('SYN_RECV');
  await page.keyboard.press('ArrowRight');
  // Wire 2: director → rs2 on the LAN, to the RIP.
  await expect(narr).toContainText('Wire 2/2 · SYN: director');
  await expect(syn.getByTestId('cls-step-seg-wires')).toContainText('wire 2/2');
  await expect.poll(() => litWires(page)).toEqual(['director-eth1', 'rs2-eth0']);
  await expect(page.getByTestId('hdr-ip-dst')).toContainText('192.168.111.102');
  await shot(page, 'classroom-tcp-hop-syn');
  // The SYN-ACK comes back through the director (NAT): unfold it to see its two wires.
  await page.keyboard.press('ArrowRight');
  await expect(narr).toContainText('accepts it (SYN-ACK)');
  await expect.poll(() => litWires(page)).toEqual(['director-eth1', 'rs2-eth0']);
  const synAck = segRows.nth(1);
  await expect(synAck).toHaveAttribute('aria-current', 'step');
  const rowsBefore = await steps.locator('tbody tr').count();
  await synAck.getByTestId('cls-step-seg-open').click();
  await expect(steps.locator('tbody tr')).toHaveCount(rowsBefore + 1);
  const hops = steps.locator('tr[data-kind="segment"]');
  await expect(hops).toHaveCount(2);
  await expect(hops.nth(0)).toContainText('intranet: rs2 → director');
  await expect(hops.nth(1)).toContainText('director → client');
  await expect(hops.nth(0)).toHaveAttribute('aria-current', 'step');
  await page.keyboard.press('ArrowRight');
  await expect(hops.nth(1)).toHaveAttribute('aria-current', 'step');
  await expect.poll(() => litWires(page)).toEqual(['client-eth0', 'director-eth0']);
  await expect(page.getByTestId('hdr-ip-src')).toContainText('172.16.111.123');
  await shot(page, 'classroom-tcp-hop-open');
  await steps.getByTestId('cls-step-seg-close').click();
  await expect(steps.locator('tbody tr')).toHaveCount(rowsBefore);
  // The handshake's ACK: ESTABLISHED, 900 s.
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(narr).toContainText('from SYN_RECV to ESTABLISHED');
  await expect(narr).toContainText('expires in 900 s');
  // The 8 data segments and 4 ACKs stay one row; opening it shows one row per segment.
  const group = steps.getByTestId('cls-step-group');
  await expect(group).toContainText('8 data segments, 4 ACKs (10240 bytes)');
  await group.click();
  await expect(segRows).toHaveCount(7 + 12);
  await steps.getByTestId('cls-step-group-close').click();
  await expect(segRows).toHaveCount(7);
  // To the end: the client's FIN moved the entry to TIME_WAIT (2 min); the last ACK crosses its last wire.
  await page.keyboard.press('End');
  await expect(narr).toContainText('Wire 2/2 · ACK: director');
  const lastFin = segRows.nth(5);
  await expect(lastFin.getByTestId('cls-step-seg-wires')).toHaveText('wires: 2 · IPVS → TIME_WAIT');
  await expect(segRows.last()).toHaveAttribute('aria-current', 'step');
  await expect(page.getByTestId('cls-conn-row')).toContainText('TIME_WAIT');
  await expect(page.getByTestId('cls-conn-row')).toContainText('02:00');
  const box = await segRows.last().boundingBox();
  expect(box).not.toBeNull();
  expect(box!.y + box!.height).toBeLessThanOrEqual(768);
  await shot(page, 'classroom-tcp-walk-end');
});

test('DR in Chinese at 1024×768: the SYN-ACK goes rs2 → router → client, the entry moves by the INPUT_ONLY table and ends in FIN_WAIT', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await openApp(page, { language: 'zh-CN' });
  await loadTemplate(page, 'dr');
  await page.getByTestId('mode-classroom').click();
  // Below 1280 px the side panel starts folded: open its Packet tab for the headers and the IPVS table.
  await page.getByTestId('strip-tab-packet').click();
  const steps = page.getByTestId('cls-steps');
  const narr = page.getByTestId('cls-narration-text');
  const segRows = steps.getByTestId('cls-step-seg');
  await segRows.first().click();
  await expect(narr).toContainText('发起连接（SYN）');
  await expect(narr).toContainText('第 1/2 段线路');
  await expect(segRows.first().getByTestId('cls-step-seg-wires')).toContainText('第 1/2 段线路');
  await page.keyboard.press('ArrowRight');
  await expect(narr).toContainText('INPUT_ONLY 表');
  await page.keyboard.press('ArrowRight');
  // DR: the director only changes the destination MAC; the IP stays client → VIP.
  await expect.poll(() => litWires(page)).toEqual(['director-eth1', 'rs2-eth0']);
  await expect(page.getByTestId('hdr-ip-dst')).toContainText('172.17.253.100');
  await segRows.nth(1).getByTestId('cls-step-seg-open').click();
  const hops = steps.locator('tr[data-kind="segment"]');
  await expect(hops).toHaveCount(2);
  await expect(hops.nth(0)).toContainText('rs2 → router');
  await expect(hops.nth(1)).toContainText('router → client');
  await hops.nth(0).click();
  await expect(narr).toContainText('调度器看不到它');
  await expect.poll(() => litWires(page)).toEqual(['router-eth1', 'rs2-eth0']);
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => litWires(page)).toEqual(['client-eth0', 'router-eth0']);
  await expect(page.getByTestId('cls-step-group')).toContainText('8 个数据报文段，4 个 ACK（10240 字节）');
  await shot(page, 'classroom-tcp-walk-dr-zh');
  await steps.getByTestId('cls-step-seg-close').click();
  await expect(hops).toHaveCount(0);
  await page.keyboard.press('End');
  await expect(page.getByTestId('cls-conn-row')).toContainText('FIN_WAIT');
  await expect(segRows.nth(5).getByTestId('cls-step-seg-wires')).toHaveText('2 段线路 · IPVS → FIN_WAIT');
  await shot(page, 'classroom-tcp-walk-dr-zh-end');
});
