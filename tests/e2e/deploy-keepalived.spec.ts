/**
 * The Deploy panel's "Install keepalived" switch, as a person meets it: a director whose IPVS table
 * keepalived owns (its service has a health check) but which lacks keepalived (a namespace host with
 * real OpenSSH whose keepalived path leads nowhere) is refused in the plan; ticking the switch sends
 * `installKeepalived` with the plan request, and the plan then says apply installs keepalived first.
 * Only planned — an apply would run apt-get on this machine (the namespaces share its file system).
 *
 * Skipped (with the reason) when not root, without sshd or without `ip netns`.
 */
import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import type { Topology } from '../../shared/model/types.ts';
import { UiDeployLab, netnsUnavailable } from './deploy-hosts.ts';
import type { NsHost } from './deploy-hosts.ts';
import { node, openApp, shot, waitNodesVisible } from './helpers.ts';
import { directorRef, hostId, interfaceId, realServerId, segmentId, serviceId } from '../../shared/model/ids.ts';

test.use({ viewport: { width: 1024, height: 768 } });

const unavailable = netnsUnavailable();

let lab: UiDeployLab;
let director: NsHost;

function design(): Topology {
  const x = lab.subnet;
  const vip = `10.231.${x}.100`;
  const realServer = (id: string, n: number): Topology['hosts'][number] => ({
    id: hostId(id),
    name: id,
    role: 'real-server',
    interfaces: [
      { id: interfaceId(`${id}-lo`), name: 'lo', kind: 'loopback', segment: null, addresses: [`${vip}/32`] },
      { id: interfaceId(`${id}-eth0`), name: 'eth0', kind: 'ethernet', segment: segmentId('lan'), addresses: [`10.231.${x}.${200 + n}/24`] },
    ],
    sysctl: { arpIgnore: 1, arpAnnounce: 2 },
  });
  return {
    name: 'install keepalived e2e',
    segments: [{ id: segmentId('lan'), name: 'lan', cidr: `10.231.${x}.0/24` }],
    hosts: [
      realServer('rs1', 1),
      realServer('rs2', 2),
      {
        id: hostId('director'),
        name: 'director',
        role: 'director',
        interfaces: [{ id: interfaceId('d-eth0'), name: 'eth0', kind: 'ethernet', segment: segmentId('lan'), addresses: [`${director.ip}/24`, `${vip}/24`] }],
        ssh: { host: director.ip, port: 22, user: 'root', auth: 'key', keyPath: lab.clientKey },
      },
    ],
    services: [
      {
        id: serviceId('web'),
        name: 'web',
        director: directorRef('director'),
        protocol: 'tcp',
        vip,
        port: 80,
        scheduler: 'rr',
        healthCheck: { kind: 'tcp' },
        realServers: [
          { id: realServerId('web-rs1'), host: hostId('rs1'), rip: `10.231.${x}.201`, port: 80, method: 'dr', weight: 1 },
          { id: realServerId('web-rs2'), host: hostId('rs2'), rip: `10.231.${x}.202`, port: 80, method: 'dr', weight: 1 },
        ],
      },
    ],
  } as Topology;
}

test.describe('Deploy panel: install keepalived', () => {
  test.skip(unavailable !== null, `skipped: ${unavailable ?? ''}`);

  test.beforeAll(async () => {
    lab = new UiDeployLab();
    lab.directors.add(0);
    // The host "lacks keepalived": the scripts' keepalived command is a path that does not exist.
    lab.extraEnv.set(0, [`LVSD_KEEPALIVED=${join(lab.work, 'no-keepalived-here')}`]);
    [director] = (await lab.addHosts(1)) as [NsHost];
  });

  test.afterAll(async () => {
    await lab?.close();
  });

  test('a director without keepalived is refused; ticking "Install keepalived" sends it with the request and the plan says apply installs it', async ({
    page,
  }) => {
    test.setTimeout(120_000);
    await openApp(page);
    await page.getByTestId('tb-open').click();
    const file = JSON.stringify({
      format: 'lvs-designer',
      formatVersion: 4,
      topology: design(),
      layout: { positions: { rs1: { x: 420, y: 20 }, rs2: { x: 420, y: 220 }, director: { x: 0, y: 100 }, lan: { x: 260, y: 0 } } },
    });
    await page.getByTestId('open-upload').setInputFiles({ name: 'install-keepalived.lvs.json', mimeType: 'application/json', buffer: Buffer.from(file) });
    await waitNodesVisible(page);
    await expect(node(page, 'director')).toBeVisible();
    await page.getByTestId('tab-deploy').click();
    await expect(page.getByTestId('deploy-plan')).toBeEnabled();

    // Off by default: the plan refuses the director and says how to allow the install.
    const box = page.getByTestId('deploy-install-keepalived');
    await expect(box).not.toBeChecked();
    await expect(page.getByTestId('deploy-install-keepalived-hint')).toContainText('apt-get install -y keepalived');
    const firstRequest = page.waitForRequest((r) => r.method() === 'POST' && /deploy/.test(r.url()) && /"topology"/.test(r.postData() ?? ''));
    await page.getByTestId('deploy-plan').click();
    // the bridge posts the call's arguments: [request]
    const first = (await firstRequest).postDataJSON() as unknown[];
    expect(first[0]).toMatchObject({ hosts: ['director'] });
    expect(first[0]).not.toHaveProperty('installKeepalived');
    await expect(page.getByTestId('trust-dialog')).toBeVisible({ timeout: 30_000 });
    await page.getByTestId('trust-accept').click();
    await expect(page.getByTestId('deploy-running')).toBeHidden({ timeout: 60_000 });
    await expect(page.getByTestId('plan-host-director')).toContainText('keepalived owns the IPVS table of this director but is not installed');
    await expect(page.getByTestId('plan-install-keepalived')).toHaveCount(0);

    // Ticked: the request carries installKeepalived, the plan says apply installs keepalived first.
    await box.check();
    await expect(box).toBeChecked();
    const secondRequest = page.waitForRequest((r) => r.method() === 'POST' && /deploy/.test(r.url()) && /"topology"/.test(r.postData() ?? ''));
    await page.getByTestId('deploy-plan').click();
    expect(((await secondRequest).postDataJSON() as unknown[])[0]).toMatchObject({ hosts: ['director'], installKeepalived: true });
    await expect(page.getByTestId('deploy-running')).toBeHidden({ timeout: 60_000 });
    await expect(page.getByTestId('plan-install-keepalived')).toContainText('keepalived install allowed');
    await expect(page.getByTestId('plan-host-director')).toContainText('keepalived is not installed on this host: apply installs it first');
    await expect(page.getByTestId('plan-host-director')).not.toContainText('nothing will be changed here');
    await page.getByTestId('plan-install-keepalived').scrollIntoViewIfNeeded();
    await shot(page, 'deploy-install-keepalived-plan');
    await page.getByTestId('plan-host-director').scrollIntoViewIfNeeded();
    await shot(page, 'deploy-install-keepalived');

    // The apply confirmation repeats it (cancelled: an apply would run apt-get on this machine).
    await page.getByTestId('deploy-apply').click();
    await expect(page.getByTestId('deploy-confirm-install-keepalived')).toContainText('apt-get install -y keepalived');
    await shot(page, 'deploy-install-keepalived-confirm');
    await page.getByTestId('deploy-confirm-cancel').click();
  });
});

test('zh-CN: the "Install keepalived" switch and its explanation are in Chinese', async ({ page }) => {
  await openApp(page, { language: 'zh-CN' });
  await page.getByTestId('tab-deploy').click();
  const label = page.locator('label', { has: page.getByTestId('deploy-install-keepalived') });
  await expect(label).toHaveText('在缺少 keepalived 的调度器上安装它');
  await expect(page.getByTestId('deploy-install-keepalived-hint')).toContainText('“apt-get install -y keepalived”');
  await page.getByTestId('deploy-install-keepalived').check();
  await page.getByTestId('deploy-install-keepalived-hint').scrollIntoViewIfNeeded();
  await shot(page, 'deploy-install-keepalived-zh');
});
