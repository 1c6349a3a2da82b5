/**
 * The Deploy panel's safety controls, as a person meets them (no SSH host needed): a design with
 * checker errors is refused with the errors listed; ticking "deploy anyway" lets the run past the
 * gate (the host then fails on its own) and the saved log records the override; the
 * commit-confirm time is set and the apply confirmation says it is off.
 */
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { clickNode, loadTemplate, openApp, shot, waitNodesVisible } from './helpers.ts';

test.use({ viewport: { width: 1024, height: 768 } });

/** A local TCP port nothing listens on (bound and released). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

test('checker errors block a deploy until "deploy anyway" is ticked, which the log records; commit-confirm time', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'empty');
  // A director with a service and no real server: the checker finds errors.
  await page.getByTestId('palette-director').dragTo(page.locator('.react-flow__pane'), { targetPosition: { x: 300, y: 200 } });
  await waitNodesVisible(page);
  await clickNode(page, 'director1');
  await page.getByTestId('host-add-service').click();
  await expect(page.getByTestId('status-errors')).not.toHaveText('0 errors');

  await page.getByTestId('tab-deploy').click();
  await expect(page.getByTestId('deploy-blocking')).toContainText('service/no-real-servers');
  await page.getByTestId('deploy-edit-director1').click();
  await page.getByTestId('ssh-enabled-director1').check();
  await page.getByTestId('ssh-host-director1').fill('127.0.0.1');
  await page.getByTestId('ssh-host-director1').press('Enter');
  await page.getByTestId('ssh-port-director1').fill(String(await closedPort()));
  await page.getByTestId('ssh-port-director1').press('Enter');

  // Refused by the gate while the box is unticked.
  await page.getByTestId('deploy-plan').click();
  await expect(page.getByTestId('deploy-error')).toContainText('checker error');

  // Ticked: the run goes past the gate (the host then fails on its own: the design cannot be generated).
  await page.getByTestId('deploy-override-errors').check();
  await page.getByTestId('deploy-confirm-seconds').fill('0');
  await page.getByTestId('deploy-confirm-seconds').press('Enter');
  await expect(page.getByTestId('deploy-confirm-seconds')).toHaveValue('0');
  await shot(page, 'deploy-override');
  await page.getByTestId('deploy-plan').click();
  await expect(page.getByTestId('deploy-running')).toBeHidden({ timeout: 30_000 });
  await expect(page.getByTestId('deploy-error')).toBeHidden();
  const download = page.waitForEvent('download');
  await page.getByTestId('deploy-save-log').click();
  const log = readFileSync(await (await download).path(), 'utf8');
  expect(log).toContain('OVERRIDE: going on despite');
  expect(log).toContain('service/no-real-servers');

  // The apply confirmation states the override and that commit-confirm is off.
  await page.getByTestId('deploy-apply').click();
  await expect(page.getByTestId('deploy-confirm-timer')).toContainText('Commit-confirm is off');
  await expect(page.getByTestId('deploy-confirm-override')).toContainText('Deploying despite');
  await shot(page, 'deploy-confirm-safety');
  await page.getByTestId('deploy-confirm-cancel').click();
});
