/**
 * Editing without traps: a CIDR change renumbers the segment's hosts in one undo step, the right
 * panel follows the selection, connection dots are big and stay put, the minimap gives way.
 */
import { expect, test } from '@playwright/test';
import { clickNode, loadTemplate, node, openApp, toolbarClick } from './helpers.ts';

test.use({ viewport: { width: 1024, height: 768 } });

test('changing a segment CIDR offers to renumber its hosts; one undo step brings everything back', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'dr');
  await clickNode(page, 'lan');
  const cidr = page.getByTestId('segment-cidr');
  await cidr.fill('10.0.5.0/24');
  let asked = '';
  page.once('dialog', (d) => {
    asked = d.message();
    void d.accept();
  });
  await cidr.press('Enter');
  await expect(node(page, 'rs1')).toContainText('10.0.5.102/24');
  expect(asked).toMatch(/Renumber \d+ addresses from 192\.168\.163\.0\/24 to 10\.0\.5\.0\/24/);
  await expect(node(page, 'director')).toContainText('10.0.5.101/24');
  await expect(page.getByTestId('status-errors')).toHaveText('0 errors');
  await expect(page.getByTestId('status-warnings')).toHaveText('0 warnings');
  await toolbarClick(page, 'tb-undo');
  await expect(node(page, 'rs1')).toContainText('192.168.163.102/24');
  await expect(node(page, 'director')).toContainText('192.168.163.101/24');
});

test('the right panel follows the selection; connection dots are at least 16 px and do not move when a card grows', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'dr');
  await page.getByTestId('tab-services').click();
  await clickNode(page, 'rs1');
  await expect(page.getByTestId('inspector-host')).toBeVisible();

  const handle = page.getByTestId('handle-rs1-r');
  const hit = await handle.evaluate((el) => {
    const after = (globalThis as unknown as { getComputedStyle(e: unknown, p: string): { width: string; height: string } }).getComputedStyle(el, '::after');
    return { w: parseFloat(after.width), h: parseFloat(after.height) };
  });
  expect(hit.w).toBeGreaterThanOrEqual(16);
  expect(hit.h).toBeGreaterThanOrEqual(16);
  const before = (await handle.boundingBox())!;
  // The card grows by one address line.
  await page.getByTestId('iface-rs1-eth0-add-address').click();
  const field = page.getByTestId('inspector-host').locator('input[value=""]').last();
  await field.fill('192.168.163.150/24');
  await field.press('Enter');
  await expect(node(page, 'rs1')).toContainText('192.168.163.150/24');
  const after = (await handle.boundingBox())!;
  expect(Math.abs(after.y - before.y)).toBeLessThan(1);
});

test('the minimap gives way when the canvas gets small', async ({ page }) => {
  await openApp(page);
  // A desktop window has room for it; a 1024×600 canvas (or the 1024×768 projector layout with the
  // Problems panel open) does not, and the minimap would cover cards.
  await page.setViewportSize({ width: 1440, height: 900 });
  await loadTemplate(page, 'dr');
  await expect(page.locator('.react-flow__minimap')).toBeVisible();
  await page.setViewportSize({ width: 1024, height: 600 });
  await expect(page.locator('.react-flow__minimap')).toHaveCount(0);
  await page.setViewportSize({ width: 1440, height: 900 });
  await expect(page.locator('.react-flow__minimap')).toBeVisible();
});
