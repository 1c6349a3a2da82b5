/**
 * The scheduler playground as a teacher uses it at 1024×768: switch the scheduler live, watch closed
 * connections sit in InActConn until the FIN timeout, and see persistence templates.
 */
import { expect, test } from '@playwright/test';
import { loadTemplate, openApp, shot } from './helpers.ts';

test.use({ viewport: { width: 1024, height: 768 } });

test('playground: switch scheduler live, InActConn moves with the FIN timeout, persistence templates appear', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'nat');
  await page.getByTestId('mode-classroom').click();
  await page.getByTestId('cls-view-scheduler').click();
  await expect(page.getByTestId('pg-scheduler')).toHaveValue('wrr');
  await page.getByTestId('pg-scheduler').selectOption('rr');
  await expect(page.getByTestId('pg-scheduler').locator('option')).toHaveCount(14);

  // 10 connections, each active 1 s, then 5 s in InActConn.
  await page.getByTestId('pg-count').fill('10');
  await page.getByTestId('pg-duration').fill('1');
  await page.getByTestId('pg-fin').fill('5');
  await page.getByTestId('pg-sendall').click();
  await expect(page.getByTestId('pg-status')).toContainText('Sent 10 of 10');
  await expect(page.getByTestId('pg-assigned-web-rs1')).toHaveText('5');
  await expect(page.getByTestId('pg-assigned-web-rs2')).toHaveText('5');
  // At t = 0.9 s the first connections have closed: they moved from ActiveConn to InActConn.
  const inact = async () =>
    Number(await page.getByTestId('pg-inactive-web-rs1').innerText()) + Number(await page.getByTestId('pg-inactive-web-rs2').innerText());
  const act = async () => Number(await page.getByTestId('pg-active-web-rs1').innerText()) + Number(await page.getByTestId('pg-active-web-rs2').innerText());
  expect(await act()).toBe(10);
  await page.getByTestId('pg-start').click();
  await expect.poll(inact, { timeout: 10_000 }).toBe(10);
  expect(await act()).toBe(0);
  await shot(page, 'playground-inactconn');
  // …and they expire after the FIN timeout: the table empties.
  await expect.poll(inact, { timeout: 15_000 }).toBe(0);
  await expect(page.getByTestId('pg-status')).toContainText('0 in the connection table');

  // Switch to wlc live, then send more: the event is listed and the rule shown.
  await page.getByTestId('pg-scheduler').selectOption('wlc');
  await expect(page.getByTestId('pg-rule')).toContainText('Weighted least connections');
  await expect(page.getByTestId('pg-events')).toContainText('scheduler rr → wlc');
  await page.getByTestId('pg-count').fill('14');
  await page.getByTestId('pg-sendall').click();
  await expect(page.getByTestId('pg-status')).toContainText('Sent 14 of 14');
  await expect(page.getByTestId('pg-status')).toContainText('wlc');

  // Persistence 60 s: templates appear per client and PersistConn counts them.
  await expect(page.getByTestId('pg-templates')).toContainText('Persistence is off');
  await page.getByTestId('pg-persistence').fill('60');
  await page.getByTestId('pg-count').fill('8');
  await page.getByTestId('pg-sendall').click();
  await expect(page.getByTestId('pg-template')).toHaveCount(8);
  await expect(page.getByTestId('pg-template').first()).toContainText('10.0.0.1 → rs');
  const persisted = Number(await page.getByTestId('pg-persistent-web-rs1').innerText()) + Number(await page.getByTestId('pg-persistent-web-rs2').innerText());
  expect(persisted).toBe(8);
  await page.getByTestId('pg-templates').scrollIntoViewIfNeeded();
  await shot(page, 'playground-templates');
  // The chosen scheduler survives the reset a persistence change makes.
  await expect(page.getByTestId('pg-scheduler')).toHaveValue('wlc');
});

test('playground in Simplified Chinese: the new controls and the template list are translated', async ({ page }) => {
  await openApp(page, { language: 'zh-CN' });
  await loadTemplate(page, 'nat');
  await page.getByTestId('mode-classroom').click();
  await page.getByTestId('cls-view-scheduler').click();
  await page.getByTestId('pg-scheduler').selectOption('sh');
  await expect(page.getByTestId('pg-rule')).toContainText('源地址哈希');
  await expect(page.getByTestId('pg-templates')).toContainText('未开启持久化');
  await page.getByTestId('pg-persistence').fill('300');
  await page.getByTestId('pg-count').fill('5');
  await page.getByTestId('pg-sendall').click();
  await expect(page.getByTestId('pg-template')).toHaveCount(5);
  await expect(page.getByTestId('pg-template').first()).toContainText('个连接');
  await expect(page.getByTestId('cls-playground')).toContainText('FIN 超时（秒）');
  await page.getByTestId('pg-templates').scrollIntoViewIfNeeded();
  await shot(page, 'playground-zh');
});
