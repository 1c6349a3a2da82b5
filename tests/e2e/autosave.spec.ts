/** Autosave never fails silently, and a field never commits a value its own check refuses. */
import { expect, test } from '@playwright/test';
import { clickNode, loadTemplate, node, openApp, shot } from './helpers.ts';

test('a failing autosave is shown in the status bar until it works again', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'nat');
  // The backend refuses the recovery copy (a full disk, say): the answer the server gives then.
  await page.route('**/api/files/autosave', (route) =>
    route.fulfill({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ value: { ok: false, error: 'could not write the recovery copy: ENOSPC (simulated)' } }),
    }),
  );
  await clickNode(page, 'rs1');
  await page.getByTestId('host-name').fill('rs1-renamed');
  await page.getByTestId('host-name').press('Enter');
  const failed = page.getByTestId('autosave-error');
  await expect(failed).toBeVisible({ timeout: 15_000 });
  await expect(failed).toHaveText('Autosave failed: the last recovery copy is kept (hover for why)');
  await expect(failed).toHaveAttribute('title', /ENOSPC \(simulated\)/);
  await shot(page, 'autosave-failed');
  // The disk has room again: the next tick writes the copy and the warning goes.
  await page.unroute('**/api/files/autosave');
  await page.getByTestId('host-name').fill('rs1-again');
  await page.getByTestId('host-name').press('Enter');
  await expect(page.getByTestId('autosave-status')).toBeVisible({ timeout: 15_000 });
  await expect(failed).toHaveCount(0);
});

test('the warning in Simplified Chinese', async ({ page }) => {
  await openApp(page, { language: 'zh-CN' });
  await loadTemplate(page, 'nat');
  await page.route('**/api/files/autosave', (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ value: { ok: false, error: 'ENOSPC' } }) }),
  );
  await clickNode(page, 'rs1');
  await page.getByTestId('host-name').fill('rs1-x');
  await page.getByTestId('host-name').press('Enter');
  await expect(page.getByTestId('autosave-error')).toHaveText('自动保存失败：上一份恢复副本仍保留（悬停查看原因）', { timeout: 15_000 });
});

test('a 129-character host name is held in the field, red, and never reaches the design', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'nat');
  await clickNode(page, 'rs1');
  const name = page.getByTestId('host-name');
  const long = 'x'.repeat(129);
  await name.fill(long);
  await name.press('Enter');
  await expect(name).toHaveValue(long);
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expect(node(page, 'rs1')).not.toContainText(long);
  await expect(node(page, 'rs1')).toContainText('rs1');
  await shot(page, 'field-held-invalid');
  // Escape gives the committed name back; 128 characters are fine.
  await name.focus();
  await name.press('Escape');
  await expect(name).toHaveValue('rs1');
  await name.fill('y'.repeat(128));
  await name.press('Enter');
  await expect(name).not.toHaveAttribute('aria-invalid', 'true');
  await expect(node(page, 'rs1')).toContainText('yyyy');
});
