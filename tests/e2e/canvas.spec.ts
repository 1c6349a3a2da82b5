/** Building a design with the mouse: palette drag and drop, connecting, moving, selecting. */
import { expect, test } from '@playwright/test';
import { clickNode, dragBetween, loadTemplate, node, openApp, shot, waitNodesVisible } from './helpers.ts';

test('drags every palette item onto the canvas and connects a host to a segment', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'empty');
  await expect(page.getByTestId('canvas-empty')).toBeVisible();
  await shot(page, 'empty-canvas');

  const pane = page.locator('.react-flow__pane');
  const items = [
    ['client', { x: 160, y: 160 }],
    ['director', { x: 460, y: 160 }],
    ['real-server', { x: 760, y: 160 }],
    ['router', { x: 460, y: 420 }],
    ['segment', { x: 330, y: 120 }],
  ] as const;
  for (const [kind, pos] of items) {
    await page.getByTestId(`palette-${kind}`).dragTo(pane, { targetPosition: pos });
  }
  await waitNodesVisible(page);
  await expect(page.locator('.react-flow__node')).toHaveCount(5);
  await expect(page.locator('.react-flow__node-host')).toHaveCount(4);
  await expect(page.locator('.react-flow__node-segment')).toHaveCount(1);
  await expect(page.getByTestId('status-hosts')).toHaveText('4 hosts');
  for (const name of ['client1', 'director1', 'rs1', 'router1']) await expect(page.locator('.host-name', { hasText: name })).toBeVisible();

  // Connect client1 (left of the segment) to net1 by dragging from its right handle onto the bar.
  await expect(page.locator('.react-flow__edge')).toHaveCount(0);
  await dragBetween(page, page.getByTestId('handle-client1-r'), page.getByTestId('handle-net1-l'));
  await expect(page.locator('.react-flow__edge')).toHaveCount(1);
  // The new interface got the first free address of the segment.
  await expect(node(page, 'client1')).toContainText('eth0');
  await expect(node(page, 'client1')).toContainText('192.168.1.1/24');

  // And the director, from the other side.
  await dragBetween(page, page.getByTestId('handle-director1-l'), page.getByTestId('handle-net1-r'));
  await expect(page.locator('.react-flow__edge')).toHaveCount(2);
  await expect(node(page, 'director1')).toContainText('192.168.1.2/24');

  // Selecting the host shows it in the inspector with the new interface.
  await clickNode(page, 'director1');
  await expect(page.getByTestId('inspector-host')).toBeVisible();
  await expect(page.getByTestId('host-name')).toHaveValue('director1');
});

test('shift-click and box selection select several nodes; Delete removes them', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'nat');
  await clickNode(page, 'rs1');
  await clickNode(page, 'rs2', ['Shift']);
  await expect(page.getByTestId('inspector-multi')).toContainText('2 items selected');
  await expect(node(page, 'rs1')).toHaveClass(/selected/);
  await expect(node(page, 'rs2')).toHaveClass(/selected/);

  // Box select around client: Shift + drag on the empty pane.
  await page.keyboard.press('Escape');
  const box = await node(page, 'client').boundingBox();
  if (!box) throw new Error('client not visible');
  await page.keyboard.down('Shift');
  await page.mouse.move(box.x - 20, box.y - 20);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width + 10, box.y + box.height + 10, { steps: 8 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  await expect(node(page, 'client')).toHaveClass(/selected/);
  await expect(node(page, 'director')).not.toHaveClass(/selected/);

  await page.keyboard.press('Delete');
  await expect(node(page, 'client')).toHaveCount(0);
  await expect(page.getByTestId('status-hosts')).toHaveText('3 hosts');
  await page.keyboard.press('Control+z');
  await expect(node(page, 'client')).toHaveCount(1);
});
