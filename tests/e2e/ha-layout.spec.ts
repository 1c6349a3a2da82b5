/**
 * The HA tab at 1024x768 (English and Chinese): the right panel is narrow, so the member and
 * "will it fail over?" tables must wrap header text between words, never letter by letter. The
 * test opens the NAT HA example, opens the HA tab and, for every header cell, checks that no word
 * is split across lines (each word's text range has one line box) and that the header stays inside
 * its table.
 */
import { expect, test } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { openApp, shot, waitNodesVisible } from './helpers.ts';

const example = readFileSync(new URL('../../examples/nat-ha-lab.lvs.json', import.meta.url), 'utf8');

/**
 * Cells matching `selector` in the HA panel whose words break across lines or that are cut off on the
 * right of their scroll box. Runs in the page (a string: the e2e project has no DOM types).
 */
async function brokenWords(page: Page, selector: string): Promise<string[]> {
  return page.evaluate(`(() => {
    const out = [];
    for (const th of document.querySelectorAll('[data-testid="ha-panel"] ${selector}')) {
      const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const text = n.textContent || '';
        // Latin words (a line may break after '-' or '/'; CJK may break between characters: not checked)
        for (const m of text.matchAll(/[A-Za-z0-9_.]+/g)) {
          const r = document.createRange();
          r.setStart(n, m.index);
          r.setEnd(n, m.index + m[0].length);
          const lines = new Set([...r.getClientRects()].map((b) => Math.round(b.top)));
          if (lines.size > 1) out.push(th.textContent + ' → "' + m[0] + '" on ' + lines.size + ' lines');
        }
      }
      // inside what the panel shows (the table's scroll box), not cut off on the right
      const box = th.closest('table').parentElement.getBoundingClientRect();
      if (th.getBoundingClientRect().right > box.right + 1) out.push(th.textContent + ' is cut off on the right');
    }
    return out;
  })()`);
}

async function open(page: Page): Promise<Locator> {
  await page.setViewportSize({ width: 1024, height: 768 });
  await openApp(page);
  await page.getByTestId('tb-open').click();
  await page.getByTestId('open-upload').setInputFiles({ name: 'nat-ha-lab.lvs.json', mimeType: 'application/json', buffer: Buffer.from(example) });
  await waitNodesVisible(page);
  await page.getByTestId('tab-ha').click();
  const panel = page.getByTestId('ha-panel');
  await expect(panel.getByTestId('ha-member-lvs1')).toBeVisible();
  return panel;
}

test('HA tab headers wrap between words at 1024x768, English and Chinese', async ({ page }) => {
  test.setTimeout(90_000);
  const panel = await open(page);
  const headers = panel.locator('.ha-table th');
  await expect(headers).toHaveCount(11);
  await expect(headers.first()).toHaveText('Member');
  expect(await brokenWords(page, '.ha-table th')).toEqual([]);
  // the outcome words too ("unchanged", "failover", "SPLIT BRAIN")
  expect(await brokenWords(page, '.ha-table td.ha-outcome')).toEqual([]);
  // every header is readable: at most two lines high
  for (const h of await headers.all()) {
    expect((await h.boundingBox())!.height, await h.innerText()).toBeLessThanOrEqual(32);
  }
  // the priority inputs show their three digits
  for (const input of await panel.locator('input.ha-priority').all()) expect((await input.boundingBox())!.width).toBeGreaterThanOrEqual(40);
  await shot(page, 'ha-layout-1024');

  await page.getByTestId('language-select').selectOption('zh-CN');
  await expect(headers.first()).toHaveText('成员');
  expect(await brokenWords(page, '.ha-table th')).toEqual([]);
  await shot(page, 'ha-layout-1024-zh');
});
