/** Live checking: a wrong address is marked at the field, reported, highlighted; fixing clears it. */
import { expect, test } from '@playwright/test';
import { clickNode, loadTemplate, node, openApp, shot } from './helpers.ts';

test('a wrong address shows up as a problem, highlights the node, and goes away when fixed', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'nat');
  await expect(page.getByTestId('problems-empty')).toBeVisible();
  await expect(page.getByTestId('status-errors')).toHaveText('0 errors');
  await expect(node(page, 'rs1').locator('.host-node')).toHaveAttribute('data-severity', 'none');

  await clickNode(page, 'rs1');
  await expect(page.getByTestId('inspector-host')).toBeVisible();
  const addr = page.getByTestId('iface-rs1-eth0-addr-0');
  await expect(addr).toHaveValue('192.168.111.101/24');
  await addr.fill('192.168.111.2000/24');
  // Marked at once, while typing: red field with a message.
  await expect(addr).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('.field-invalid .field-error').first()).toContainText('Not an address with prefix');
  await addr.press('Enter');

  // The checker reports it and the canvas marks the host.
  const problem = page.getByTestId('problem').filter({ hasText: '192.168.111.2000' }).first();
  await expect(problem).toBeVisible();
  await expect(page.getByTestId('status-errors')).not.toHaveText('0 errors');
  await expect(node(page, 'rs1').locator('.host-node')).toHaveAttribute('data-severity', 'error');
  await expect(page.getByTestId('badge-rs1')).toBeVisible();
  await shot(page, 'problems');

  // Clicking the problem selects the concerned node and shows the fix.
  await page.keyboard.press('Escape');
  await expect(node(page, 'rs1')).not.toHaveClass(/selected/);
  await problem.locator('.problem-main').click();
  await expect(node(page, 'rs1')).toHaveClass(/selected/);
  await expect(node(page, 'rs1').locator('.host-node')).toHaveClass(/is-highlighted/);
  await expect(page.getByTestId('problem-fix')).toBeVisible();
  await expect(page.getByTestId('inspector-host')).toBeVisible();
  await shot(page, 'inspector');

  // Fix it: the problem and the badge disappear.
  const again = page.getByTestId('iface-rs1-eth0-addr-0');
  await again.fill('192.168.111.101/24');
  await again.press('Enter');
  await expect(page.getByTestId('problem').filter({ hasText: '192.168.111.2000' })).toHaveCount(0);
  await expect(node(page, 'rs1').locator('.host-node')).toHaveAttribute('data-severity', 'none');
  await expect(page.getByTestId('status-errors')).toHaveText('0 errors');
});

test('a non-number port is refused at the field and never reaches the design', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'nat');
  await page.getByTestId('tab-services').click();
  await page.getByTestId('service-item-web').click();
  const port = page.getByTestId('svc-port');
  await port.fill('8o');
  await expect(port).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('.field-invalid .field-error')).toContainText('whole number');
  await port.blur();
  await expect(port).toHaveValue('80');
  await expect(page.getByTestId('service-item-web')).toContainText('172.16.111.123:80');
});
