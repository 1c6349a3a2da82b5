/** Templates, services panel, config view, language switch — with the screenshots for the docs. */
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { loadTemplate, openApp, shot } from './helpers.ts';

test('the NAT lab template loads and the config view shows the director ipvsadm rules', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'nat');
  await expect(page.getByTestId('doc-title')).toHaveText('LVS-NAT lab (seed article, part one)');
  await expect(page.locator('.react-flow__node-host')).toHaveCount(4);
  await expect(page.locator('.react-flow__node-segment')).toHaveCount(2);
  await expect(page.locator('.react-flow__edge')).toHaveCount(5);
  await expect(page.getByTestId('status-services')).toHaveText('1 service');
  await shot(page, 'nat-lab');

  await page.getByTestId('tab-config').click();
  await page.getByTestId('config-host').selectOption('director');
  await page.getByTestId('config-file-ipvsadm.rules').click();
  const content = page.getByTestId('config-content');
  await expect(content).toContainText('-A -t 172.16.111.123:80 -s wrr');
  await expect(content).toContainText('-a -t 172.16.111.123:80 -r 192.168.111.101:80 -m -w 1');
  await shot(page, 'config-view');
});

test('services panel: create a service, add real servers, set method and weight', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'nat');
  await page.getByTestId('tab-services').click();
  await page.getByTestId('services-add').click();
  const editor = page.locator('.service-editor');
  await expect(editor).toBeVisible();
  await editor.getByTestId('svc-vip').fill('172.16.111.123');
  await editor.getByTestId('svc-vip').press('Enter');
  await editor.getByTestId('svc-port').fill('443');
  await editor.getByTestId('svc-port').press('Enter');
  await editor.getByTestId('svc-scheduler').selectOption('wlc');
  await editor.getByTestId('svc-pick-host').selectOption('rs1');
  await editor.getByTestId('svc-add-rs').click();
  await editor.getByTestId('svc-add-rs').click();
  await expect(editor.locator('.rs-table tbody tr')).toHaveCount(2);
  const first = editor.locator('.rs-table tbody tr').first();
  await first.locator('select').selectOption('nat');
  const weight = first.locator('input').nth(2);
  await weight.fill('3');
  await weight.press('Enter');
  await expect(page.getByTestId('status-services')).toHaveText('2 services');
  await expect(page.locator('.service-item.is-active')).toContainText('172.16.111.123:443');
  await expect(page.locator('.service-item.is-active')).toContainText('wlc · 2 real servers');
  await shot(page, 'services');

  // The generated rules follow.
  await page.getByTestId('tab-config').click();
  await page.getByTestId('config-host').selectOption('director');
  await page.getByTestId('config-file-ipvsadm.rules').click();
  await expect(page.getByTestId('config-content')).toContainText('-A -t 172.16.111.123:443 -s wlc');
  await expect(page.getByTestId('config-content')).toContainText('-r 192.168.111.101:443 -m -w 3');
});

test('switching the language to Simplified Chinese relabels the UI at once', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'dr');
  await expect(page.getByTestId('tb-save')).toHaveText('Save');
  await page.getByTestId('language-select').selectOption('zh-CN');
  await expect(page.getByTestId('tb-save')).toHaveText('保存');
  await expect(page.getByTestId('tab-services')).toHaveText('虚拟服务');
  await expect(page.getByTestId('palette-real-server')).toContainText('真实服务器');
  await expect(page.getByTestId('status-hosts')).toHaveText('5 台主机');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await shot(page, 'chinese-ui');
  // The choice is remembered across a reload.
  await page.reload();
  await expect(page.getByTestId('tb-save')).toHaveText('保存');
  await page.getByTestId('language-select').selectOption('en');
  await expect(page.getByTestId('tb-save')).toHaveText('Save');
});

test('importing ipvsadm rules builds a design; text without a service is refused and nothing changes', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'nat');
  await page.getByTestId('tb-import').click();
  await page.getByTestId('import-text').fill('this is not ipvsadm output');
  await page.getByTestId('import-run').click();
  await expect(page.getByTestId('import-error')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('doc-title')).toContainText('LVS-NAT lab');

  await page.getByTestId('tb-import').click();
  await page.getByTestId('import-kind').selectOption('ipvsadm');
  await page.getByTestId('import-text').fill('-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.1.11:80 -g -w 1\n-a -t 10.0.0.1:80 -r 10.0.1.12:80 -g -w 2\n');
  await page.getByTestId('import-new').click();
  await expect(page.getByTestId('import-dialog')).toBeHidden();
  await expect(page.getByTestId('status-services')).toHaveText('1 service');
  await page.getByTestId('tab-services').click();
  await expect(page.locator('.service-item').first()).toContainText('10.0.0.1:80');
  await expect(page.locator('.service-item').first()).toContainText('rr · 2 real servers');
});

test('exports the diagram as PNG and SVG downloads', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'tun');
  for (const kind of ['png', 'svg'] as const) {
    await page.getByTestId('tb-export').click();
    const download = page.waitForEvent('download');
    await page.getByTestId(`export-${kind}`).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(new RegExp(`\\.${kind}$`));
    const path = await file.path();
    const bytes = readFileSync(path);
    expect(bytes.length).toBeGreaterThan(2000);
    if (kind === 'png') expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    else expect(bytes.toString('utf8')).toContain('<svg');
  }
});
