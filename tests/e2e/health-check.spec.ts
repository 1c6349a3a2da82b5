/** Health-check editor in the services panel: turn a check on, type timing, see the rule fire and clear; Chinese labels. */
import { expect, test } from '@playwright/test';
import { loadTemplate, openApp, shot } from './helpers.ts';

// Every screen works at 1024x768: the editor is checked and photographed there.
test.use({ viewport: { width: 1024, height: 768 } });

test('health check: enable, type a connect_timeout above delay_loop, see health/connect-timeout, fix it', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'nat');
  await page.getByTestId('tab-services').click();
  await page.getByTestId('service-item-web').click();
  const editor = page.getByTestId('health-check');
  await expect(editor).toBeVisible();
  await editor.getByTestId('hc-enable').check();
  // Port 80: an HTTP_GET on / is proposed.
  await expect(editor.getByTestId('hc-kind')).toHaveValue('http');
  await expect(editor.getByTestId('hc-path')).toHaveValue('/');
  // keepalived's defaults: delay_loop 60, connect_timeout 5, retry 1, delay_before_retry 3.
  await expect(editor.getByTestId('hc-window')).toContainText('13–73 s');

  await editor.getByTestId('hc-delay-loop').fill('3');
  await editor.getByTestId('hc-delay-loop').press('Enter');
  await editor.getByTestId('hc-connect-timeout').fill('5');
  await editor.getByTestId('hc-connect-timeout').press('Enter');
  const problem = page.getByTestId('problem').filter({ hasText: 'connect_timeout 5 s' });
  await expect(problem).toBeVisible();
  await shot(page, 'health-check-editor');

  await editor.getByTestId('hc-connect-timeout').fill('1');
  await editor.getByTestId('hc-connect-timeout').press('Enter');
  await expect(page.getByTestId('problem').filter({ hasText: 'connect_timeout' })).toHaveCount(0);
  // delay_loop 3 + 2 × 1 + 1 × 3 = 8 s at most for a silent host.
  await expect(editor.getByTestId('hc-window')).toContainText('5–8 s');

  // A sorry server that is a real server is an error; another address clears it.
  await editor.getByTestId('hc-sorry-ip').fill('192.168.111.101');
  await editor.getByTestId('hc-sorry-ip').press('Enter');
  await expect(page.getByTestId('problem').filter({ hasText: 'sorry server' })).toBeVisible();
  await editor.getByTestId('hc-sorry-ip').fill('192.168.111.150');
  await editor.getByTestId('hc-sorry-ip').press('Enter');
  await expect(page.getByTestId('problem').filter({ hasText: 'sorry server' })).toHaveCount(0);

  // Turning the check off removes it from the design.
  await editor.getByTestId('hc-enable').uncheck();
  await expect(editor.getByTestId('hc-kind')).toHaveCount(0);
});

test('health check editor in Simplified Chinese', async ({ page }) => {
  await openApp(page, { language: 'zh-CN' });
  await loadTemplate(page, 'nat');
  await page.getByTestId('tab-services').click();
  await page.getByTestId('service-item-web').click();
  const editor = page.getByTestId('health-check');
  await expect(editor).toContainText('健康检查（keepalived）');
  await editor.getByTestId('hc-enable').check();
  await expect(editor.getByTestId('hc-window')).toContainText('宕机的服务器在故障后 13–73 秒');
  await shot(page, 'health-check-editor-zh');
});
