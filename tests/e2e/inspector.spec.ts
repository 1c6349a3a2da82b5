/**
 * The inspector edits what the rule checker's fixes ask for: interface MTU, per-interface and
 * host-wide ARP sysctls, and static routes — each edit one undo step, each problem coming and going.
 */
import type { Page } from '@playwright/test';
import { expect, test } from '@playwright/test';
import { clickNode, loadTemplate, openApp, shot } from './helpers.ts';

const rule = (page: Page, id: string) => page.locator(`[data-testid="problem"][data-rule="${id}"]`);

async function commit(page: Page, testId: string, value: string): Promise<void> {
  const f = page.getByTestId(testId);
  await f.fill(value);
  await f.press('Enter');
  await expect(f).toHaveValue(value);
}

test('the TUN MTU warning goes away when the real servers get MTU 1480, and undo brings it back', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'tun');
  await expect(rule(page, 'tun/mtu')).toHaveCount(1);
  await expect(rule(page, 'tun/mtu')).toContainText('rs1, rs2');

  await clickNode(page, 'rs1');
  await expect(page.getByTestId('iface-rs1-eth0-mtu')).toHaveValue('');
  await commit(page, 'iface-rs1-eth0-mtu', '1480');
  // One real server left at 1500: still warned.
  await expect(rule(page, 'tun/mtu')).toHaveCount(1);
  await clickNode(page, 'rs2');
  // A non-number never reaches the design: refused at the field, reverted on blur.
  const mtu2 = page.getByTestId('iface-rs2-eth0-mtu');
  await mtu2.fill('14x0');
  await expect(mtu2).toHaveAttribute('aria-invalid', 'true');
  await mtu2.blur();
  await expect(mtu2).toHaveValue('');
  await commit(page, 'iface-rs2-eth0-mtu', '1480');
  await expect(rule(page, 'tun/mtu')).toHaveCount(0);

  // One undo step per committed field: the second MTU goes back to 1500 and the warning returns.
  await page.getByTestId('tb-undo').click();
  await expect(page.getByTestId('iface-rs2-eth0-mtu')).toHaveValue('');
  await expect(rule(page, 'tun/mtu')).toHaveCount(1);
  await page.getByTestId('tb-redo').click();
  await expect(page.getByTestId('iface-rs2-eth0-mtu')).toHaveValue('1480');
  await expect(rule(page, 'tun/mtu')).toHaveCount(0);

  // A malformed MAC is marked at once and still stored, so the checker reports it.
  const mac = page.getByTestId('iface-rs2-eth0-mac');
  await mac.fill('52:54:00:zz:00:01');
  await expect(mac).toHaveAttribute('aria-invalid', 'true');
  await mac.press('Enter');
  await expect(rule(page, 'addr/malformed').filter({ hasText: '52:54:00:zz:00:01' })).toHaveCount(1);
  await commit(page, 'iface-rs2-eth0-mac', '52:54:00:ab:00:01');
  await expect(rule(page, 'addr/malformed')).toHaveCount(0);
});

test("breaking and fixing a DR real server's ARP settings and a static route", async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'dr');
  await expect(rule(page, 'dr/arp-not-configured')).toHaveCount(0);
  await clickNode(page, 'rs1');

  await expect(page.getByTestId('iface-rs1-eth0-sysctl-summary')).toHaveText('arp_ignore=1 arp_announce=2');
  // arp_ignore unset on eth0 alone is still covered by the host-wide value (the kernel takes the max).
  await page.getByTestId('iface-rs1-eth0-sysctls').locator('summary').click();
  const ifIgnore = page.getByTestId('iface-rs1-eth0-arpignore');
  await expect(ifIgnore).toHaveValue('1');
  await ifIgnore.selectOption('');
  await expect(page.getByTestId('iface-rs1-eth0-sysctl-summary')).toHaveText('arp_announce=2');
  await expect(rule(page, 'dr/arp-not-configured')).toHaveCount(0);
  // A DR real server's host-wide ARP / rp_filter section is open without a click.
  await expect(page.getByTestId('host-arp-section')).toHaveAttribute('open', '');
  const allIgnore = page.getByTestId('host-arpignore');
  await expect(allIgnore).toHaveValue('1');
  await allIgnore.selectOption('');
  await expect(rule(page, 'dr/arp-not-configured')).toHaveCount(1);
  await expect(rule(page, 'dr/arp-not-configured')).toContainText('rs1');

  // Fix it on the interface only: 1 = reply only for addresses on the incoming interface.
  await ifIgnore.selectOption('1');
  await expect(rule(page, 'dr/arp-not-configured')).toHaveCount(0);
  await page.getByTestId('tb-undo').click();
  await expect(ifIgnore).toHaveValue('');
  await expect(rule(page, 'dr/arp-not-configured')).toHaveCount(1);
  await page.getByTestId('tb-redo').click();
  await expect(rule(page, 'dr/arp-not-configured')).toHaveCount(0);

  // A static route with a malformed destination is marked, stored and reported; fixing clears it.
  await expect(page.getByTestId('route-0')).toHaveCount(0);
  await page.getByTestId('host-add-route').click();
  const dest = page.getByTestId('route-0-destination');
  await dest.fill('10.0.0.0/33');
  await expect(dest).toHaveAttribute('aria-invalid', 'true');
  await dest.press('Enter');
  await expect(rule(page, 'addr/malformed').filter({ hasText: '10.0.0.0/33' })).toHaveCount(1);
  await commit(page, 'route-0-destination', '10.0.0.0/8');
  await commit(page, 'route-0-via', '192.168.163.1');
  await page.getByTestId('route-0-dev').selectOption('eth0');
  await expect(rule(page, 'addr/malformed')).toHaveCount(0);
  await expect(page.getByTestId('route-0-dev')).toHaveValue('eth0');
  await page.getByTestId('host-routes').scrollIntoViewIfNeeded();
  await shot(page, 'inspector-routes');
  await commit(page, 'iface-rs1-eth0-mtu', '1500');
  await page.getByTestId('iface-rs1-eth0-rpfilter').scrollIntoViewIfNeeded();
  await shot(page, 'inspector-interface');

  // Removing the route is one undo step too.
  await page.getByTestId('route-0-remove').click();
  await expect(page.getByTestId('route-0')).toHaveCount(0);
  await page.getByTestId('tb-undo').click();
  await expect(page.getByTestId('route-0-destination')).toHaveValue('10.0.0.0/8');
});

test('the new inspector sections are translated into Simplified Chinese', async ({ page }) => {
  await openApp(page, { language: 'zh-CN' });
  await loadTemplate(page, 'tun');
  await clickNode(page, 'rs1');
  await expect(page.getByTestId('host-routes')).toContainText('静态路由');
  await expect(page.getByTestId('host-routes')).toContainText('没有静态路由');
  await page.getByTestId('iface-rs1-tunl0-sysctls').locator('summary').click();
  await expect(page.getByTestId('iface-rs1-tunl0-sysctls')).toContainText('仅 tunl0');
  const rp = page.getByTestId('iface-rs1-tunl0-rpfilter');
  await expect(rp).toHaveValue('0');
  await expect(rule(page, 'tun/rp-filter')).toHaveCount(0);
  await expect(rp.locator('option:checked')).toHaveText('0 — 关闭');
  await rp.selectOption('');
  await expect(rp.locator('option:checked')).toHaveText('未设置（系统默认）');
  // Left at the distribution default, tunl0 may drop the decapsulated requests: the checker says so.
  await expect(rule(page, 'tun/rp-filter')).toHaveCount(1);
  await page.getByTestId('iface-rs1-eth0-mtu').scrollIntoViewIfNeeded();
  await shot(page, 'inspector-zh');
});
