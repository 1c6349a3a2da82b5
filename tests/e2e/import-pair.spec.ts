/**
 * Importing an HA pair as a person does it: choose the keepalived.conf of each director in the
 * import dialog (two files at once, or dropped on it), import, and see one design with the
 * director group on the canvas — the frame around both members, the master marked — and every
 * setting the members disagree on in the Problems panel, in English and in Simplified Chinese.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { expect, test } from '@playwright/test';
import { loadTemplate, openApp, shot, toolbarClick, waitNodesVisible } from './helpers.ts';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'golden', 'nat-ha-lab');
const LVS1 = readFileSync(join(GOLDEN, 'lvs1', 'keepalived.conf'), 'utf8');
// lvs2's file as someone edited it by hand on one member only: another advert_int.
const LVS2 = readFileSync(join(GOLDEN, 'lvs2', 'keepalived.conf'), 'utf8').replace(/^(\s*)advert_int 1$/m, '$1advert_int 2');

test.use({ viewport: { width: 1024, height: 768 } });

const files = [
  { name: 'lvs1-keepalived.conf', mimeType: 'text/plain', buffer: Buffer.from(LVS1) },
  { name: 'lvs2-keepalived.conf', mimeType: 'text/plain', buffer: Buffer.from(LVS2) },
];

async function expectPairOnCanvas(page: Page): Promise<void> {
  await expect(page.getByTestId('import-dialog')).toBeHidden();
  await waitNodesVisible(page);
  // One group framed around both members; lvs1 (state MASTER, priority 150) is marked master.
  const frames = page.locator('[data-testid^="ha-frame-"]');
  await expect(frames).toHaveCount(1);
  await expect(frames.first()).toBeVisible();
  const master = page.locator('[data-role="MASTER"]');
  await expect(master).toHaveCount(1);
  await expect(master).toContainText('150');
  await expect(page.locator('.react-flow__node', { has: master })).toContainText('lvs1');
  const backup = page.locator('[data-role="BACKUP"]');
  await expect(backup).toHaveCount(1);
  await expect(backup).toContainText('100');
  await expect(page.locator('.react-flow__node', { has: backup })).toContainText('lvs2');
  await expect(page.getByTestId('status-services')).toContainText(/1/);
}

test('two keepalived.conf files chosen at once: one design with the pair, the master marked, the disagreement listed', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'empty');
  await toolbarClick(page, 'tb-import');
  await page.getByTestId('import-files').setInputFiles(files);
  const members = page.getByTestId('import-pair-member');
  await expect(members).toHaveText([/^lvs1 ← lvs1-keepalived\.conf/, /^lvs2 ← lvs2-keepalived\.conf/]);
  await expect(page.getByTestId('import-pair')).toContainText('HA pair: 2 keepalived.conf files');
  await shot(page, 'import-pair-dialog');
  const workers: string[] = [];
  page.on('worker', (w) => workers.push(w.url()));
  await page.getByTestId('import-run').click();
  await expectPairOnCanvas(page);
  expect(workers.some((u) => /importWorker/.test(u))).toBe(true);
  await expect(page.getByTestId('doc-title')).toContainText('Imported HA pair lvs1 + lvs2');
  // The disagreement is a remark, not silently resolved.
  await expect(page.getByTestId('import-remarks')).toContainText(/keepalived\.conf of an HA pair/);
  await expect(page.getByTestId('import-remark').filter({ hasText: 'lvs2 disagrees with lvs1 on advert_int: 2 vs 1' })).toHaveCount(1);
  // …and the checker says it too.
  await expect(
    page
      .getByTestId('problem')
      .filter({ hasText: /advert_int/ })
      .first(),
  ).toBeVisible();
  await shot(page, 'import-pair');
});

test('zh-CN: the pair dropped on the dialog, remarks in Chinese', async ({ page }) => {
  await openApp(page, { language: 'zh-CN' });
  await loadTemplate(page, 'empty');
  await toolbarClick(page, 'tb-import');
  // Drop the two files the way a file manager does: a DataTransfer with both files.
  const dt = await page.evaluateHandle(
    ([a, b]) => {
      // In the page (this file is typed without the DOM library).
      const w = globalThis as unknown as {
        DataTransfer: new () => { items: { add(f: unknown): void } };
        File: new (parts: string[], name: string, options: { type: string }) => unknown;
      };
      const t = new w.DataTransfer();
      t.items.add(new w.File([a!], 'lvs1.conf', { type: 'text/plain' }));
      t.items.add(new w.File([b!], 'lvs2.conf', { type: 'text/plain' }));
      return t;
    },
    [LVS1, LVS2],
  );
  const drop = page.getByTestId('import-drop');
  await drop.dispatchEvent('dragover', { dataTransfer: dt });
  await expect(drop).toHaveClass(/is-dragging/);
  await drop.dispatchEvent('drop', { dataTransfer: dt });
  await expect(page.getByTestId('import-pair')).toContainText('HA 双机：2 个 keepalived.conf 文件');
  await expect(page.getByTestId('import-pair-member')).toHaveCount(2);
  await page.getByTestId('import-run').click();
  await expectPairOnCanvas(page);
  await expect(page.getByTestId('import-remark').filter({ hasText: 'lvs2 与 lvs1 的 advert_int 不一致：2 对 1' })).toHaveCount(1);
  await shot(page, 'import-pair-zh');
});

test('one chosen file fills the text box; a pair into a design that is open asks first and opens as new', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'dr');
  await toolbarClick(page, 'tb-import');
  await page.getByTestId('import-files').setInputFiles([files[0]!]);
  await expect(page.getByTestId('import-text')).toHaveValue(LVS1);
  await expect(page.getByTestId('import-kind').locator('option').first()).toHaveText(/keepalived\.conf/);
  await page.getByTestId('import-files').setInputFiles(files);
  await expect(page.getByTestId('import-run')).toHaveText('Open as a new design');
  await expect(page.getByTestId('import-new')).toHaveCount(0);
  page.once('dialog', (d) => void d.accept());
  await page.getByTestId('import-run').click();
  await expectPairOnCanvas(page);
  await expect(page.getByTestId('doc-title')).toContainText('Imported HA pair');
});
