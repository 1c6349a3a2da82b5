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

test('the checker loads after the canvas: the panel says it is checking, and says so when it cannot load', async ({ page }) => {
  // Hold the checker's module back the way a slow disk or network would, then let it through.
  let release: () => void = () => undefined;
  const held = new Promise<void>((r) => (release = r));
  await page.route(/\/assets\/checker-[^/]+\.js$/, async (route) => {
    await held;
    await route.continue();
  });
  await openApp(page);
  // The canvas is ready and takes input while the checker is on its way.
  await page.getByTestId('palette-client').dblclick();
  await expect(page.locator('.react-flow__node')).toHaveCount(1);
  await expect(page.getByTestId('problems-checking')).toHaveText('Checking the design…');
  await expect(page.getByTestId('status-checking')).toHaveText('Checking…');
  await expect(page.getByTestId('status-errors')).toHaveCount(0);
  await expect(page.getByTestId('problems-filter-error')).toHaveCount(0);
  await page.setViewportSize({ width: 1024, height: 768 });
  await shot(page, 'checker-loading');
  release();
  await expect(page.getByTestId('problems-checking')).toHaveCount(0);
  await expect(page.getByTestId('status-errors')).toHaveText(/\d+ errors?/);
  await expect(page.getByTestId('problem').first()).toBeVisible();

  // A checker that cannot be fetched is said plainly, in Chinese too: nothing is "consistent".
  const broken = await page.context().newPage();
  await broken.setViewportSize({ width: 1024, height: 768 });
  await broken.route(/\/assets\/checker-[^/]+\.js$/, (route) => route.abort());
  // The first page chose English for this browser; switch to Chinese like the language menu does.
  await broken.addInitScript(() =>
    (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('lvs.language', 'zh-CN'),
  );
  await openApp(broken);
  await expect(broken.getByTestId('problems-checking')).toHaveText('检查器未能加载，设计没有被检查。请重新加载窗口再试。');
  await expect(broken.getByTestId('status-checking')).toHaveText('未检查');
  await expect(broken.getByTestId('problems-empty')).toHaveCount(0);
  await expect(broken.getByTestId('problems-filter-error')).toHaveCount(0);
  await shot(broken, 'checker-failed-zh');
  await broken.close();
});
