/**
 * Helpers for the designer specs: open the app like a user (address with the token fragment),
 * wait until it is ready, and act on the canvas with the mouse.
 */
import type { Locator, Page } from '@playwright/test';
import { expect } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots');

export const APP_URL = '/#token=e2e-token';

/** Opens the app; by default throws away a recovery copy left by an earlier spec. */
export async function openApp(page: Page, opts: { keepRecovery?: boolean; language?: 'en' | 'zh-CN' } = {}): Promise<void> {
  const lang = opts.language ?? 'en';
  await page.addInitScript((l) => {
    // Runs in the page (this tsconfig has no DOM types).
    const storage = (globalThis as unknown as { localStorage: { getItem(k: string): string | null; setItem(k: string, v: string): void } }).localStorage;
    if (!storage.getItem('lvs.language')) storage.setItem('lvs.language', l);
  }, lang);
  await page.goto(APP_URL);
  await waitReady(page);
  if (!opts.keepRecovery && (await page.getByTestId('recover-dialog').isVisible())) {
    await page.getByTestId('recover-discard').click();
    await expect(page.getByTestId('recover-dialog')).toBeHidden();
  }
}

/** Waits until the app has decided about the recovery offer. */
export async function waitReady(page: Page): Promise<void> {
  // The backend answers the recovery question first; generous under a loaded machine.
  await expect(page.locator('html[data-lvs-ready="true"]')).toHaveCount(1, { timeout: 30_000 });
}

/** Starts a new design from a template through the New dialog. */
export async function loadTemplate(page: Page, id: 'empty' | 'nat' | 'dr' | 'tun'): Promise<void> {
  await page.getByTestId('tb-new').click();
  await page.getByTestId(`template-${id}`).click();
  await expect(page.getByTestId('templates-dialog')).toBeHidden();
  if (id !== 'empty') await waitNodesVisible(page);
}

/** React Flow hides nodes until they are measured. */
export async function waitNodesVisible(page: Page): Promise<void> {
  await expect(page.locator('.react-flow__node').first()).toBeVisible();
}

export const node = (page: Page, id: string): Locator => page.locator(`.react-flow__node[data-id="${id}"]`);

/** Clicks a node on its header (not on a handle). */
export async function clickNode(page: Page, id: string, modifiers: ('Shift' | 'Control')[] = []): Promise<void> {
  const box = await node(page, id).boundingBox();
  if (!box) throw new Error(`node ${id} not on screen`);
  await page.mouse.move(box.x + box.width / 2, box.y + 10);
  for (const m of modifiers) await page.keyboard.down(m);
  await page.mouse.down();
  await page.mouse.up();
  for (const m of modifiers) await page.keyboard.up(m);
}

/** Drags a node by `dx`,`dy` screen pixels with the mouse. */
export async function dragNode(page: Page, id: string, dx: number, dy: number): Promise<void> {
  const box = await node(page, id).boundingBox();
  if (!box) throw new Error(`node ${id} not on screen`);
  const x = box.x + box.width / 2;
  const y = box.y + 12;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx / 2, y + dy / 2, { steps: 5 });
  await page.mouse.move(x + dx, y + dy, { steps: 5 });
  await page.mouse.up();
}

/** Drags from the centre of one element to the centre of another (handle to handle). */
export async function dragBetween(page: Page, from: Locator, to: Locator, toOffsetY = 0): Promise<void> {
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  if (!a || !b) throw new Error('handle not on screen');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2 + toOffsetY, { steps: 12 });
  await page.mouse.up();
}

/** The translate() of a node, as React Flow positions it. */
export async function nodeTransform(page: Page, id: string): Promise<string> {
  return node(page, id).evaluate((el) => (el as unknown as { style: { transform: string } }).style.transform);
}

/**
 * Saves a screenshot of the current view. A normal test run writes it under test-results/ (so
 * running the tests never changes tracked files); `LVS_UPDATE_SCREENSHOTS=1` refreshes the ones in
 * docs/screenshots that the documentation shows.
 */
export async function shot(page: Page, name: string): Promise<void> {
  const dir = process.env.LVS_UPDATE_SCREENSHOTS === '1' ? SCREENSHOTS : join(SCREENSHOTS, '..', '..', 'test-results', 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.mouse.move(2, 2);
  await page.screenshot({ path: join(dir, `${name}.png`) });
}

/**
 * Clicks a toolbar command the way a person would at any window width: on the bar when it is
 * there, else through the "More" menu the toolbar folds narrow groups into (1024×768 projectors).
 */
export async function toolbarClick(page: Page, testId: string): Promise<void> {
  const onBar = page.getByTestId(testId);
  if (await onBar.isVisible()) {
    await onBar.click();
    return;
  }
  await page.getByTestId('tb-more').click();
  await page.getByTestId(testId).click();
}

/** Opens an export format: from the Export menu on the bar, or from "More" when the file group is folded. */
export async function exportClick(page: Page, testId: string): Promise<void> {
  const menu = page.getByTestId('tb-export');
  if (await menu.isVisible()) {
    await menu.click();
    await page.getByTestId(testId).click();
    return;
  }
  await page.getByTestId('tb-more').click();
  await page.getByTestId(testId).click();
}

/**
 * Renames host `id` in the Inspector, waits for autosave, reloads without saving and accepts the
 * recovery offer: the renamed host must come back.
 */
export async function renameThenRecover(page: Page, id: string, name: string): Promise<void> {
  await clickNode(page, id);
  await page.getByTestId('host-name').fill(name);
  await page.getByTestId('host-name').press('Enter');
  await expect(node(page, id)).toContainText(name);
  // Autosave runs every few seconds while dirty; the status bar says when it has written.
  await expect(page.getByTestId('autosave-status')).toBeVisible({ timeout: 15_000 });
  page.on('dialog', (d) => void d.accept());
  await page.reload();
  await waitReady(page);
  await expect(page.getByTestId('recover-dialog')).toBeVisible();
  await page.getByTestId('recover-accept').click();
  await waitNodesVisible(page);
  await expect(node(page, id)).toContainText(name);
}
