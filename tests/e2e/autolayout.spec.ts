/**
 * Auto-layout on the real canvas: after Auto-layout, no two cards of the large-cluster example
 * overlap (measured on screen, with their real sizes), and segments stay vertical columns.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { openApp, shot, waitNodesVisible, toolbarClick } from './helpers.ts';

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples');

test.use({ viewport: { width: 1024, height: 768 } });

for (const name of ['large-cluster', 'dr-lab', 'nat-lab', 'tun-lab']) {
  test(`${name}: after Auto-layout no two cards overlap on screen`, async ({ page }) => {
    await openApp(page);
    await toolbarClick(page, 'tb-open');
    await page
      .getByTestId('open-upload')
      .setInputFiles({ name: `${name}.lvs.json`, mimeType: 'application/json', buffer: readFileSync(join(EXAMPLES, `${name}.lvs.json`)) });
    await waitNodesVisible(page);
    await toolbarClick(page, 'tb-layout');
    // Let the fit animation end, then measure every card where the browser drew it.
    await page.waitForTimeout(400);
    const boxes = await page.locator('.react-flow__node').evaluateAll((els) =>
      els.map((e) => {
        const r = (e as unknown as { getBoundingClientRect(): { x: number; y: number; width: number; height: number } }).getBoundingClientRect();
        return { id: (e as unknown as { dataset: { id: string } }).dataset.id, x: r.x, y: r.y, w: r.width, h: r.height };
      }),
    );
    const hits: string[] = [];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        if (a.x < b.x + b.w - 0.5 && b.x < a.x + a.w - 0.5 && a.y < b.y + b.h - 0.5 && b.y < a.y + a.h - 0.5) hits.push(`${a.id} × ${b.id}`);
      }
    }
    expect(hits).toEqual([]);
    if (name === 'large-cluster') await shot(page, 'layout-large-cluster');
  });
}
