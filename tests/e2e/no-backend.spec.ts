/**
 * Without a backend (the page opened without its token: `npm run dev`, a static preview) the app
 * keeps designs in the browser: the in-memory bridge. The file parser loads on first use there
 * too, so a template, an edit, autosave and the crash-recovery offer must all still work.
 */
import { expect, test } from '@playwright/test';
import { loadTemplate, renameThenRecover, waitReady } from './helpers.ts';

test('no backend: a template, an edit and crash recovery work with designs kept in the browser', async ({ page }) => {
  await page.goto('/');
  await waitReady(page);
  await expect(page.getByTestId('status-backend')).toContainText('No backend: designs stay in this browser');
  await loadTemplate(page, 'nat');
  await renameThenRecover(page, 'rs1', 'kept-in-browser');
});
