/** Files through the real backend: save and reopen, a hostile file, crash recovery. */
import type { Page } from '@playwright/test';
import { expect, test } from '@playwright/test';
import { clickNode, loadTemplate, node, openApp, renameThenRecover, waitNodesVisible } from './helpers.ts';

const hostNames = (page: Page) => page.locator('.react-flow__node-host .host-name').allTextContents();

test('save as, change, reopen: the saved design comes back', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'dr');
  const name = `dr-copy-${Date.now()}`;
  page.once('dialog', (d) => void d.accept(name));
  await page.getByTestId('tb-saveas').click();
  await expect(page.getByTestId('doc-title')).toHaveText(`${name}.lvs.json`);
  await expect(page.getByTestId('dirty-marker')).toHaveCount(0);
  const saved = (await hostNames(page)).sort();

  // Change the design, then open the saved file again (discarding the change).
  await clickNode(page, 'rs1');
  await page.keyboard.press('Delete');
  await expect(node(page, 'rs1')).toHaveCount(0);
  await expect(page.getByTestId('dirty-marker')).toBeVisible();
  page.once('dialog', (d) => void d.accept());
  await page.getByTestId('tb-open').click();
  await page.getByTestId(`open-file-${name}.lvs.json`).click();
  await expect(page.getByTestId('open-dialog')).toBeHidden();
  await waitNodesVisible(page);
  await expect(node(page, 'rs1')).toHaveCount(1);
  expect((await hostNames(page)).sort()).toEqual(saved);
  await expect(page.getByTestId('doc-title')).toHaveText(`${name}.lvs.json`);
  await expect(page.getByTestId('status-services')).toHaveText('1 service');
});

test('a hostile file is refused with a clear error and the open design stays intact', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'nat');
  const hostile = JSON.stringify({
    format: 'lvs-designer',
    formatVersion: 2,
    topology: { name: 'evil', segments: [], hosts: [{ id: '__proto__', name: 'x', role: 'client', interfaces: [] }], services: [] },
    layout: { positions: {} },
  });
  await page.getByTestId('tb-open').click();
  await page.getByTestId('open-upload').setInputFiles({ name: 'evil.lvs.json', mimeType: 'application/json', buffer: Buffer.from(hostile) });
  await expect(page.getByTestId('notice-error')).toContainText('Could not open the design');
  await expect(page.getByTestId('notice-error')).toContainText('topology.hosts[0].id');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('doc-title')).toContainText('LVS-NAT lab');
  await expect(page.locator('.react-flow__node-host')).toHaveCount(4);

  // Not JSON at all.
  await page.getByTestId('tb-open').click();
  await page
    .getByTestId('open-upload')
    .setInputFiles({ name: 'junk.lvs.json', mimeType: 'application/json', buffer: Buffer.from('{"format": "lvs-designer", ') });
  await expect(page.getByTestId('notice-error').last()).toContainText('not valid JSON');
  await page.keyboard.press('Escape');
  await expect(page.locator('.react-flow__node-host')).toHaveCount(4);
});

test('crash recovery: reloading without saving offers the design back', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'tun');
  await renameThenRecover(page, 'rs2', 'recovered-rs');
  await expect(page.getByTestId('doc-title')).toContainText('LVS-TUN');
  await expect(page.getByTestId('dirty-marker')).toBeVisible();
});
