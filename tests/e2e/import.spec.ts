/**
 * Import as a person does it: paste text (the kind is detected), add it to the open design as one
 * undo step or open it as a new design (asked first when the open one is unsaved), read every
 * remark in the Problems panel and click one to see its line and the element it became.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { loadTemplate, openApp, shot, waitNodesVisible, toolbarClick } from './helpers.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'import');
const ARTICLE = readFileSync(join(FIXTURES, 'seed-article.txt'), 'utf8');

test.use({ viewport: { width: 1024, height: 768 } });

test('the raw seed article, pasted whole into an empty canvas: both labs, every remark listed with its line and source', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'empty');
  await toolbarClick(page, 'tb-import');
  await page.getByTestId('import-text').fill(ARTICLE);
  await expect(page.getByTestId('import-kind').locator('option').first()).toHaveText(/looks like: ipvsadm commands/);
  const workers: string[] = [];
  page.on('worker', (w) => workers.push(w.url()));
  await page.getByTestId('import-run').click();
  await expect(page.getByTestId('import-dialog')).toBeHidden();
  // The importer ran off the UI thread.
  expect(workers.some((u) => /importWorker/.test(u))).toBe(true);
  await waitNodesVisible(page);
  await expect(page.getByTestId('status-services')).toHaveText('2 services');
  // Every remark is in the Problems panel, not just the first in a toast.
  const remarks = page.getByTestId('import-remark');
  expect(await remarks.count()).toBeGreaterThanOrEqual(13);
  await expect(page.getByTestId('import-remarks')).toContainText(/Import \(ipvsadm commands.*\): \d+ remarks/);
  // The typo line imported its real server with a problem: clicking the remark shows the line and selects that one host.
  const typo = remarks.filter({ hasText: '"1172.17.253.100" read as tcp 172.17.253.100:80' });
  await expect(typo).toHaveAttribute('data-line', '51');
  await typo.click();
  await expect(page.getByTestId('import-source-active')).toContainText('1172.17.253.100');
  await expect(page.getByTestId('import-source-mark')).toContainText('ipvsadm -a -t 1172.17.253.100:80 -r 192.168.163.102:80');
  await expect(page.getByTestId('import-source-mark')).toBeInViewport();
  await expect(page.locator('.react-flow__node.selected')).toHaveCount(1);
  await expect(page.getByTestId('inspector-host')).toBeVisible();
  const values = () =>
    page
      .getByTestId('inspector-host')
      .locator('input')
      .evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value));
  await expect.poll(values).toContain('192.168.163.102/24');
  await shot(page, 'import-article');
});

test('adding to the open design is one undo step; opening as new asks first when the design is unsaved', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'dr');
  await expect(page.getByTestId('status-services')).toHaveText('1 service');
  await toolbarClick(page, 'tb-import');
  await page.getByTestId('import-text').fill('ipvsadm -A -t 172.16.111.123:80 -s wrr\nipvsadm -a -t 172.16.111.123:80 -r 192.168.111.101 -m -w 1\n');
  await page.getByTestId('import-run').click();
  await expect(page.getByTestId('status-services')).toHaveText('2 services');
  await expect(page.getByTestId('doc-title')).toContainText('LVS-DR lab');
  await toolbarClick(page, 'tb-undo');
  await expect(page.getByTestId('status-services')).toHaveText('1 service');
  await toolbarClick(page, 'tb-redo');
  await expect(page.getByTestId('status-services')).toHaveText('2 services');

  // Unsaved now: "Open as a new design" asks; saying no keeps everything.
  await toolbarClick(page, 'tb-import');
  await page.getByTestId('import-text').fill('-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.1.11:80 -g -w 1\n');
  let asked = '';
  page.once('dialog', (d) => {
    asked = d.message();
    void d.dismiss();
  });
  await page.getByTestId('import-new').click();
  expect(asked).not.toBe('');
  await expect(page.getByTestId('import-dialog')).toBeVisible();
  await expect(page.getByTestId('status-services')).toHaveText('2 services');
  page.once('dialog', (d) => void d.accept());
  await page.getByTestId('import-new').click();
  await expect(page.getByTestId('import-dialog')).toBeHidden();
  await expect(page.getByTestId('status-services')).toHaveText('1 service');
  await expect(page.getByTestId('doc-title')).toContainText('Imported design');
});

test('ipvsadm -L -n with a duplicated -> line: the remark says so and the design saves', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'empty');
  await toolbarClick(page, 'tb-import');
  await page.getByTestId('import-text').fill('TCP  10.0.0.1:80 rr\n  -> 10.0.1.1:80 Route 1 0 0\n  -> 10.0.1.1:80 Route 1 0 0\n');
  await expect(page.getByTestId('import-kind').locator('option').first()).toHaveText(/ipvsadm -L -n/);
  await page.getByTestId('import-run').click();
  await expect(page.getByTestId('import-remark').filter({ hasText: 'appears twice' })).toHaveAttribute('data-line', '3');
  page.once('dialog', (d) => void d.accept('dup-import'));
  await toolbarClick(page, 'tb-saveas');
  await expect(page.getByTestId('dirty-marker')).toHaveCount(0);
  await expect(page.getByTestId('doc-title')).toContainText('dup-import');
});

test('a pasted -a line with a mistyped real-server address becomes a host with problems, and the design saves', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'empty');
  await page.getByTestId('tb-import').click();
  await page
    .getByTestId('import-text')
    .fill(
      'ipvsadm -A -t 192.168.163.200:80 -s rr\nipvsadm -a -t 192.168.163.200:80 -r 192.168.163.101:80 -g\nipvsadm -a -t 192.168.163.200:80 -r 192.168.163.1000:80 -g\n',
    );
  await page.getByTestId('import-run').click();
  await waitNodesVisible(page);
  await expect(page.getByTestId('import-remark').filter({ hasText: '"192.168.163.1000"' })).toHaveAttribute('data-line', '3');
  // Both real servers are on the canvas; the checker flags the typed address.
  await expect(page.locator('.react-flow__node', { hasText: '192.168.163.1000' })).toHaveCount(1);
  await expect(page.getByTestId('problem').filter({ hasText: '192.168.163.1000' }).first()).toHaveAttribute('data-rule', 'addr/malformed');
  await shot(page, 'import-bad-rip');
  page.once('dialog', (d) => void d.accept('bad-rip-import'));
  await page.getByTestId('tb-saveas').click();
  await expect(page.getByTestId('dirty-marker')).toHaveCount(0);
  await expect(page.getByTestId('doc-title')).toContainText('bad-rip-import');
});

test('remarks in Simplified Chinese; an over-long line is cut with a clear remark', async ({ page }) => {
  await openApp(page, { language: 'zh-CN' });
  await loadTemplate(page, 'empty');
  await toolbarClick(page, 'tb-import');
  await page.getByTestId('import-text').fill(`${'x'.repeat(9000)}\nipvsadm -A -t 10.0.0.1:80 -s rr\nipvsadm -a -t 10.0.0.1:80 -r 10.0.1.5 -g\n`);
  await page.getByTestId('import-run').click();
  await expect(page.getByTestId('import-dialog')).toBeHidden();
  await expect(page.getByTestId('import-remark').first()).toContainText('第 1 行长 9000 个字符；只读取前 8192 个');
  await shot(page, 'import-zh');
});
