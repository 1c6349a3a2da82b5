/** Undo/redo of every kind of edit, drag as one step, duplicate and copy/paste. */
import { expect, test } from '@playwright/test';
import { clickNode, dragNode, loadTemplate, node, nodeTransform, openApp } from './helpers.ts';

test('a drag is one undo step; Ctrl+Z, Ctrl+Shift+Z and Ctrl+Y undo and redo it', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'nat');
  const before = await nodeTransform(page, 'rs2');
  await dragNode(page, 'rs2', 140, 90);
  const after = await nodeTransform(page, 'rs2');
  expect(after).not.toBe(before);
  await expect(page.getByTestId('dirty-marker')).toBeVisible();

  await page.keyboard.press('Control+z');
  await expect.poll(() => nodeTransform(page, 'rs2')).toBe(before);
  await page.keyboard.press('Control+Shift+z');
  await expect.poll(() => nodeTransform(page, 'rs2')).toBe(after);
  await page.keyboard.press('Control+z');
  await expect.poll(() => nodeTransform(page, 'rs2')).toBe(before);
  await page.keyboard.press('Control+y');
  await expect.poll(() => nodeTransform(page, 'rs2')).toBe(after);
});

test('field edits, duplicate and paste undo one by one', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'nat');
  await clickNode(page, 'rs1');
  await page.getByTestId('host-name').fill('web-a');
  await page.getByTestId('host-name').press('Enter');
  await expect(node(page, 'rs1')).toContainText('web-a');

  // Duplicate: a new host with a fresh id and a free address on the same segment.
  await clickNode(page, 'rs1');
  await page.keyboard.press('Control+d');
  await expect(page.locator('.react-flow__node-host')).toHaveCount(5);
  const copy = page.locator('.react-flow__node-host', { hasText: 'web-a-2' });
  await expect(copy).toBeVisible();
  await expect(copy).toContainText('192.168.111.1/24');

  // Copy and paste rs2 twice.
  await clickNode(page, 'rs2');
  await page.keyboard.press('Control+c');
  await page.keyboard.press('Control+v');
  await page.keyboard.press('Control+v');
  await expect(page.locator('.react-flow__node-host')).toHaveCount(7);
  await expect(page.getByTestId('status-hosts')).toHaveText('7 hosts');

  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+z');
  await expect(page.locator('.react-flow__node-host')).toHaveCount(5);
  await page.keyboard.press('Control+z');
  await expect(page.locator('.react-flow__node-host')).toHaveCount(4);
  await page.keyboard.press('Control+z');
  await expect(node(page, 'rs1')).toContainText('rs1');
  await expect(node(page, 'rs1')).not.toContainText('web-a');
  await expect(page.getByTestId('tb-undo')).toBeDisabled();
  await page.getByTestId('tb-redo').click();
  await expect(node(page, 'rs1')).toContainText('web-a');
});
