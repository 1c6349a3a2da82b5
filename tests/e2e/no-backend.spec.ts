/**
 * Without a backend (the page opened without its token: `npm run dev`, a static preview) the app
 * keeps designs in the browser: the in-memory bridge. The file parser loads on first use there
 * too, so a template, an edit, autosave and the crash-recovery offer must all still work.
 */
import { expect, test } from '@playwright/test';
import { clickNode, loadTemplate, node, waitNodesVisible, waitReady } from './helpers.ts';

test('no backend: a template, an edit and crash recovery work with designs kept in the browser', async ({ page }) => {
  await page.goto('/');
  await waitReady(page);
  await expect(page.getByTestId('status-backend')).toContainText('No backend: designs stay in this browser');
  await loadTemplate(page, 'nat');
  await clickNode(page, 'rs1');
  await page.getByTestId('host-name').fill('kept-in-browser');
  await page.getByTestId('host-name').press('Enter');
  await expect(node(page, 'rs1')).toContainText('kept-in-browser');
  await expect(page.getByTestId('autosave-status')).toBeVisible({ timeout: 15_000 });

  page.on('dialog', (d) => void d.accept());
  await page.reload();
  await waitReady(page);
  await expect(page.getByTestId('recover-dialog')).toBeVisible();
  await page.getByTestId('recover-accept').click();
  await waitNodesVisible(page);
  await expect(node(page, 'rs1')).toContainText('kept-in-browser');
});
