/**
 * The seed article's three DR mistakes — real servers added with -m instead of -g, their gateway
 * pointing at the DIP, and ARP settings only on lo (the "aRp_ignoreecho" typo) — fixed with the
 * quick-fix buttons of the Problems panel and nothing else; each press is one undo step.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { node, openApp, shot, waitNodesVisible, toolbarClick } from './helpers.ts';

const FILE = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'model', 'dr-article-mistakes.lvs.json'));

test.use({ viewport: { width: 1024, height: 768 } });

test('the article’s three DR mistakes fixed only with quick-fix buttons', async ({ page }) => {
  await openApp(page);
  await toolbarClick(page, 'tb-open');
  await page.getByTestId('open-upload').setInputFiles({ name: 'dr-article-mistakes.lvs.json', mimeType: 'application/json', buffer: FILE });
  await waitNodesVisible(page);
  const problems = page.getByTestId('problem');
  // Mistake 1: -m (NAT) where the hosts are set up for DR — the hint offers to switch.
  await expect(problems.filter({ hasText: 'was DR (ipvsadm -g) meant?' })).toHaveCount(2);
  await shot(page, 'quickfix-before');
  const fix = (text: RegExp) => page.getByTestId('quickfix').filter({ hasText: text });
  await fix(/^⚡ Switch rs1 to DR$/).click();
  await fix(/^⚡ Switch rs2 to DR$/).click();
  // Mistake 2: the gateway is the DIP, so DR replies would go back through the director.
  await fix(/Set rs1's gateway to the router 192\.168\.163\.1/).click();
  await fix(/Set rs2's gateway to the router 192\.168\.163\.1/).click();
  // Mistake 3: ARP settings only on lo.
  await fix(/Set arp_ignore=1, arp_announce=2 on rs1/).click();
  await fix(/Set arp_ignore=1, arp_announce=2 on rs2/).click();
  await expect(page.getByTestId('problems-empty')).toHaveText('No problems found. The design is consistent.');
  await expect(page.getByTestId('status-errors')).toHaveText('0 errors');
  await expect(page.getByTestId('status-warnings')).toHaveText('0 warnings');
  await shot(page, 'quickfix-after');
  // Each press was one undo step: undo brings the last problem back.
  await toolbarClick(page, 'tb-undo');
  await expect(fix(/Set arp_ignore=1, arp_announce=2 on rs2/)).toBeVisible();
});

test('clicking a problem selects the one host it is about and opens the Inspector; quick-fix labels in Chinese', async ({ page }) => {
  await openApp(page, { language: 'zh-CN' });
  await toolbarClick(page, 'tb-open');
  await page.getByTestId('open-upload').setInputFiles({ name: 'dr-article-mistakes.lvs.json', mimeType: 'application/json', buffer: FILE });
  await waitNodesVisible(page);
  await page.getByTestId('tab-services').click();
  const hint = page.locator('[data-testid="problem"][data-rule="nat/vip-on-lo"]').first();
  await hint.locator('.problem-main').click();
  await expect(page.locator('.react-flow__node.selected')).toHaveCount(1);
  await expect(node(page, 'rs1')).toHaveClass(/selected/);
  await expect(page.getByTestId('inspector-host')).toBeVisible();
  await expect(hint.getByTestId('quickfix')).toHaveText('⚡ 把 rs1 改为 DR');
});
