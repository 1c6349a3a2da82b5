/**
 * Guided building: the seed article's DR lab from an empty canvas through the wizard, counting
 * every user action; the same wizard adds a service to an open design with the method the design
 * suggests.
 */
import { expect, test } from '@playwright/test';
import { loadTemplate, node, openApp, shot, waitNodesVisible, toolbarClick } from './helpers.ts';

test.use({ viewport: { width: 1024, height: 768 } });

test('the seed DR lab from an empty canvas through the wizard in at most 12 actions, checked clean', async ({ page }) => {
  await openApp(page);
  let actions = 0;
  /** One user action (a click, a typed value, a key). */
  const act = async (f: () => Promise<unknown>) => {
    actions++;
    await f();
  };
  await expect(page.getByTestId('status-hosts')).toHaveText('0 hosts');
  await act(() => page.getByTestId('tb-wizard').click());
  await expect(page.getByTestId('wizard-method-dr')).toHaveAttribute('aria-checked', 'true');
  // Prefilled with the article's DR lab; the student checks the values and creates it.
  await expect(page.getByTestId('wizard-vip')).toHaveValue('172.17.253.100');
  await expect(page.getByTestId('wizard-firstRip')).toHaveValue('192.168.163.102');
  await expect(page.getByTestId('wizard-scheduler')).toHaveValue('wrr');
  await shot(page, 'wizard');
  await act(() => page.getByTestId('wizard-create').click());
  await waitNodesVisible(page);
  expect(actions).toBeLessThanOrEqual(12);
  await expect(page.getByTestId('status-hosts')).toHaveText('5 hosts');
  await expect(page.getByTestId('status-services')).toHaveText('1 service');
  await expect(page.getByTestId('status-errors')).toHaveText('0 errors');
  await expect(page.getByTestId('status-warnings')).toHaveText('0 warnings');
  await expect(page.getByTestId('problems-empty')).toBeVisible();
  for (const id of ['client', 'router', 'director', 'rs1', 'rs2']) await expect(node(page, id)).toBeVisible();
  await shot(page, 'wizard-dr-lab');
});

test('a TUN lab with 9 real servers, then a second service added with the method the design suggests', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'empty');
  await toolbarClick(page, 'tb-wizard');
  await page.getByTestId('wizard-method-tun').click();
  await expect(page.getByTestId('wizard-vip')).toHaveValue('172.18.0.100');
  await page.getByTestId('wizard-count').fill('9');
  await page.getByTestId('wizard-scheduler').selectOption('lc');
  page.once('dialog', (d) => void d.accept());
  await page.getByTestId('wizard-create').click();
  await waitNodesVisible(page);
  await expect(page.getByTestId('status-hosts')).toHaveText('12 hosts');
  await expect(page.getByTestId('status-errors')).toHaveText('0 errors');
  await expect(page.getByTestId('status-warnings')).toHaveText('0 warnings');

  await toolbarClick(page, 'tb-wizard');
  await expect(page.getByTestId('wizard-suggested')).toHaveText('Suggested by the design: TUN');
  await page.getByTestId('wizard-vip').fill('172.18.0.100');
  await page.getByTestId('wizard-port').fill('443');
  await page.getByTestId('wizard-add').click();
  await expect(page.getByTestId('status-services')).toHaveText('2 services');
  await expect(page.getByTestId('status-errors')).toHaveText('0 errors');
  await toolbarClick(page, 'tb-undo');
  await expect(page.getByTestId('status-services')).toHaveText('1 service');
});

test('the wizard in Simplified Chinese', async ({ page }) => {
  await openApp(page, { language: 'zh-CN' });
  await loadTemplate(page, 'empty');
  await toolbarClick(page, 'tb-wizard');
  await expect(page.getByTestId('wizard-dialog')).toContainText('用向导新建实验');
  await expect(page.getByTestId('wizard-create')).toHaveText('创建实验');
});
