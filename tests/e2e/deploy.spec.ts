/**
 * The Deploy panel against REAL OpenSSH: three hosts are network namespaces with their own sshd
 * (tests/e2e/deploy-hosts.ts); `lvsd serve` (the backend of these specs) connects to them with
 * ssh2. A person imports a design, types a real server's SSH settings into the panel, plans
 * (trusting the host keys), applies, sees the host verified and green on the canvas, plans again
 * (no changes), meets a wrong password, rolls back, and finally meets a changed host key.
 *
 * Skipped (with the reason) when not root, without sshd or without `ip netns`.
 */
import { expect, test } from '@playwright/test';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Topology } from '../../shared/model/types.ts';
import { UiDeployLab, inNs, netnsUnavailable, run } from './deploy-hosts.ts';
import type { NsHost } from './deploy-hosts.ts';
import { node, openApp, shot, waitNodesVisible } from './helpers.ts';
import { directorRef, hostId, interfaceId, realServerId, segmentId, serviceId } from '../../shared/model/ids.ts';

const unavailable = netnsUnavailable();

let lab: UiDeployLab;
let rs1: NsHost, rs2: NsHost, director: NsHost;

function design(): Topology {
  const x = lab.subnet;
  const vip = `10.231.${x}.100`;
  const realServer = (id: string, h: NsHost): Topology['hosts'][number] => ({
    id: hostId(id),
    name: id,
    role: 'real-server',
    interfaces: [
      { id: interfaceId(`${id}-lo`), name: 'lo', kind: 'loopback', segment: null, addresses: [`${vip}/32`], sysctl: { arpIgnore: 1, arpAnnounce: 2 } },
      {
        id: interfaceId(`${id}-eth0`),
        name: 'eth0',
        kind: 'ethernet',
        segment: segmentId('lan'),
        addresses: [`${h.ip}/24`],
        sysctl: { arpIgnore: 1, arpAnnounce: 2 },
      },
    ],
    sysctl: { arpIgnore: 1, arpAnnounce: 2 },
  });
  return {
    name: 'deploy panel e2e',
    segments: [{ id: segmentId('lan'), name: 'lan', cidr: `10.231.${x}.0/24` }],
    hosts: [
      realServer('rs1', rs1),
      realServer('rs2', rs2),
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
        realServers: [
          { id: realServerId('web-rs1'), host: hostId('rs1'), rip: rs1.ip, port: 80, method: 'dr', weight: 1 },
          { id: realServerId('web-rs2'), host: hostId('rs2'), rip: rs2.ip, port: 80, method: 'dr', weight: 1 },
        ],
      },
    ],
  } as Topology;
}

const fingerprint = (h: NsHost): string => run('ssh-keygen', '-l', '-E', 'sha256', '-f', join(h.dir, 'host_key.pub')).split(' ')[1]!;
const loAddrs = (h: NsHost): string => inNs(h.ns, 'ip', '-o', '-4', 'addr', 'show', 'dev', 'lo');

test.describe('Deploy panel against real OpenSSH in network namespaces', () => {
  test.skip(unavailable !== null, `skipped: ${unavailable ?? ''}`);

  test.beforeAll(async () => {
    lab = new UiDeployLab();
    lab.directors.add(2);
    [rs1, rs2, director] = (await lab.addHosts(3)) as [NsHost, NsHost, NsHost];
  });

  test.afterAll(async () => {
    await lab?.close();
  });

  test('plan, trust, apply, verified on the canvas, no changes, wrong password, cancel, rollback, failed apply, changed key', async ({ page }) => {
    test.setTimeout(240_000);
    const vip = `10.231.${lab.subnet}.100`;
    await openApp(page);
    await page.getByTestId('tb-open').click();
    const file = JSON.stringify({
      format: 'lvs-designer',
      formatVersion: 2,
      topology: design(),
      layout: { positions: { rs1: { x: 420, y: 20 }, rs2: { x: 420, y: 220 }, director: { x: 0, y: 100 }, lan: { x: 260, y: 0 } } },
    });
    await page.getByTestId('open-upload').setInputFiles({ name: 'deploy-e2e.lvs.json', mimeType: 'application/json', buffer: Buffer.from(file) });
    await waitNodesVisible(page);
    await expect(node(page, 'rs1')).toBeVisible();

    await page.getByTestId('tab-deploy').click();
    await expect(page.getByTestId('deploy-panel')).toBeVisible();
    await expect(page.getByTestId('deploy-plan')).toBeEnabled();

    // rs1's SSH settings typed like a user would.
    await page.getByTestId('deploy-edit-rs1').click();
    await page.getByTestId('ssh-enabled-rs1').check();
    await page.getByTestId('ssh-host-rs1').fill(rs1.ip);
    await page.getByTestId('ssh-host-rs1').press('Enter');
    await page.getByTestId('ssh-auth-rs1').selectOption('key');
    await page.getByTestId('ssh-keypath-rs1').fill(lab.clientKey);
    await page.getByTestId('ssh-keypath-rs1').press('Enter');
    await expect(page.getByTestId('deploy-host-rs1')).toContainText(`root@${rs1.ip}:22`);
    // Design data: one undo step takes the key path back, redo restores it.
    await page.getByTestId('tb-undo').click();
    await expect(page.getByTestId('ssh-keypath-rs1')).toHaveValue('');
    await page.getByTestId('tb-redo').click();
    await expect(page.getByTestId('ssh-keypath-rs1')).toHaveValue(lab.clientKey);
    // A port that is not a number never reaches the design.
    await page.getByTestId('ssh-port-rs1').fill('22x');
    await page.getByTestId('ssh-port-rs1').press('Enter');
    await expect(page.getByTestId('deploy-host-rs1')).toContainText(`root@${rs1.ip}:22`);
    await shot(page, 'deploy-settings');
    await page.getByTestId('deploy-edit-rs1').click();

    // Plan: both hosts are new, each shows a trust dialog with the fingerprint sshd really has.
    await page.getByTestId('deploy-plan').click();
    const expected = [fingerprint(rs1), fingerprint(director)];
    for (let i = 0; i < 2; i++) {
      await expect(page.getByTestId('trust-dialog')).toBeVisible({ timeout: 30_000 });
      const fp = (await page.getByTestId('trust-fingerprint').textContent()) ?? '';
      expect(fp).toMatch(/^SHA256:/);
      expect(expected).toContain(fp);
      await expect(page.getByTestId('trust-keytype')).toHaveText('ssh-ed25519');
      if (i === 0) await shot(page, 'deploy-trust');
      await page.getByTestId('trust-accept').click();
    }
    await expect(page.getByTestId('deploy-running')).toBeHidden({ timeout: 60_000 });
    await expect(page.getByTestId('deploy-error')).toBeHidden();
    await expect(page.getByTestId('plan-count-rs1')).toContainText(/\d+ changes?/);
    await expect(page.getByTestId('plan-host-rs1')).toContainText(`lo ${vip}/32`);
    await expect(page.getByTestId('deploy-key-rs1')).toContainText(`${fingerprint(rs1)} (trusted)`);
    await expect(page.getByTestId('plan-host-director')).toContainText('ipvs');
    await expect(page.getByTestId('plan-stages')).toContainText('rs1');
    await expect(page.getByTestId('plan-host-rs2')).toHaveCount(0);
    expect(loAddrs(rs1)).not.toContain(vip);
    await shot(page, 'deploy-plan');

    // Apply (with confirmation): verified, green on the canvas, the VIP really on lo in rs1's namespace.
    await page.getByTestId('deploy-apply').click();
    await expect(page.getByTestId('deploy-confirm')).toContainText('rs1');
    await page.getByTestId('deploy-confirm-ok').click();
    await expect(page.getByTestId('deploy-status-rs1')).toHaveAttribute('data-status', 'verified', { timeout: 90_000 });
    await expect(page.getByTestId('deploy-status-director')).toHaveAttribute('data-status', 'verified');
    await expect(page.getByTestId('deploy-outcome')).toHaveAttribute('data-outcome', 'success');
    await expect(page.getByTestId('deploy-badge-rs1')).toHaveAttribute('data-tone', 'good');
    await expect(page.getByTestId('deploy-badge-director')).toHaveAttribute('data-tone', 'good');
    await expect(page.getByTestId('deploy-badge-rs2')).toHaveCount(0);
    expect(loAddrs(rs1)).toContain(`${vip}/32`);
    expect(inNs(rs1.ns, 'sysctl', '-n', 'net.ipv4.conf.all.arp_ignore').trim()).toBe('1');
    await shot(page, 'deploy-applied');

    // A second plan finds nothing to do.
    await page.getByTestId('deploy-plan').click();
    await expect(page.getByTestId('plan-no-changes')).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('plan-count-rs1')).toHaveText('no changes');

    // rs2 with a password login, alone: a wrong password fails that host with the reason.
    await page.getByTestId('deploy-edit-rs2').click();
    await page.getByTestId('ssh-enabled-rs2').check();
    await page.getByTestId('ssh-host-rs2').fill(rs2.ip);
    await page.getByTestId('ssh-host-rs2').press('Enter');
    await page.getByTestId('ssh-auth-rs2').selectOption('password');
    await page.getByTestId('deploy-edit-rs2').click();
    await page.getByTestId('deploy-include-rs1').uncheck();
    await page.getByTestId('deploy-include-director').uncheck();
    // The password is asked before connecting, the host key during the handshake.
    await page.getByTestId('deploy-plan').click();
    await expect(page.getByTestId('cred-dialog')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('cred-dialog')).toContainText(`root@${rs2.ip}`);
    const wrong = `wrong-${process.pid}-pw`;
    await page.getByTestId('cred-input').fill(wrong);
    await shot(page, 'deploy-password');
    await page.getByTestId('cred-ok').click();
    await expect(page.getByTestId('trust-dialog')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('trust-fingerprint')).toHaveText(fingerprint(rs2));
    await page.getByTestId('trust-accept').click();
    await expect(page.getByTestId('deploy-running')).toBeHidden({ timeout: 60_000 });
    await expect(page.getByTestId('deploy-status-rs2')).toHaveAttribute('data-phase', 'failed');
    await expect(page.getByTestId('plan-host-rs2')).toContainText(/auth|password/i);
    expect(await page.content()).not.toContain(wrong);
    await shot(page, 'deploy-wrong-password');
    // Save log: the run's log is downloaded, with the failure and without the password.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('deploy-save-log').click()]);
    expect(download.suggestedFilename()).toMatch(/^deploy-.*\.log$/);
    const log = readFileSync(await download.path(), 'utf8');
    expect(log).toContain('rs2');
    expect(log).toMatch(/authentication failed/);
    expect(log).not.toContain(wrong);

    // The wrong password was forgotten: the next plan asks again; cancelling from the question stops the run.
    await page.getByTestId('deploy-plan').click();
    await expect(page.getByTestId('cred-dialog')).toBeVisible({ timeout: 30_000 });
    await page.getByTestId('prompt-cancel-run').click();
    await expect(page.getByTestId('deploy-running')).toBeHidden({ timeout: 30_000 });
    await expect(page.getByTestId('cred-dialog')).toHaveCount(0);
    await expect(page.getByTestId('deploy-outcome')).toHaveAttribute('data-outcome', 'cancelled');

    // A host that accepts TCP but never speaks SSH: the plan hangs in "connecting" until Cancel.
    const silent = createServer(() => undefined);
    await new Promise<void>((done) => silent.listen(0, lab.rootIp, done));
    try {
      await page.getByTestId('deploy-edit-rs2').click();
      await page.getByTestId('ssh-host-rs2').fill(lab.rootIp);
      await page.getByTestId('ssh-host-rs2').press('Enter');
      await page.getByTestId('ssh-port-rs2').fill(String((silent.address() as AddressInfo).port));
      await page.getByTestId('ssh-port-rs2').press('Enter');
      await page.getByTestId('ssh-auth-rs2').selectOption('key');
      await page.getByTestId('ssh-keypath-rs2').fill(lab.clientKey);
      await page.getByTestId('ssh-keypath-rs2').press('Enter');
      await page.getByTestId('deploy-edit-rs2').click();
      await page.getByTestId('deploy-plan').click();
      await expect(page.getByTestId('deploy-status-rs2')).toHaveAttribute('data-phase', 'connecting');
      await page.getByTestId('deploy-cancel').click();
      await expect(page.getByTestId('deploy-running')).toBeHidden({ timeout: 15_000 });
      await expect(page.getByTestId('deploy-outcome')).toHaveAttribute('data-outcome', 'cancelled');
    } finally {
      silent.close();
    }

    // Rollback of rs1 and the director: the VIP leaves lo, and a plan shows the changes again.
    await page.getByTestId('deploy-include-rs2').uncheck();
    await page.getByTestId('deploy-include-rs1').check();
    await page.getByTestId('deploy-include-director').check();
    await page.getByTestId('deploy-rollback').click();
    await page.getByTestId('deploy-confirm-ok').click();
    await expect(page.getByTestId('deploy-status-rs1')).toHaveAttribute('data-status', 'rolled-back', { timeout: 90_000 });
    await expect(page.getByTestId('deploy-badge-rs1')).toHaveAttribute('data-tone', 'warn');
    expect(loAddrs(rs1)).not.toContain(vip);
    await page.getByTestId('deploy-plan').click();
    await expect(page.getByTestId('deploy-running')).toBeHidden({ timeout: 60_000 });
    await expect(page.getByTestId('plan-count-rs1')).toContainText(/\d+ changes?/);
    await expect(page.getByTestId('plan-no-changes')).toHaveCount(0);

    // The director's ipvsadm refuses the new rules: apply.sh fails there, its stderr is shown, and
    // rs1 (already changed in stage 1) is rolled back — red badge on the director, amber on rs1.
    const ipvsadm = join(director.dir, 'ipvsadm');
    renameSync(ipvsadm, `${ipvsadm}.real`);
    writeFileSync(
      ipvsadm,
      `#!/bin/sh\nif [ "$1" = -R ]; then rules=$(cat); case "$rules" in *${vip}*) echo "ipvsadm: Memory allocation problem (simulated)" >&2; exit 3 ;; esac; printf '%s\\n' "$rules" | exec ${ipvsadm}.real -R; fi\nexec ${ipvsadm}.real "$@"\n`,
      { mode: 0o755 },
    );
    try {
      await page.getByTestId('deploy-apply').click();
      await page.getByTestId('deploy-confirm-ok').click();
      await expect(page.getByTestId('deploy-outcome')).toHaveAttribute('data-outcome', 'rolled-back', { timeout: 90_000 });
      await expect(page.getByTestId('deploy-stderr-director')).toContainText('Memory allocation problem (simulated)');
      await expect(page.getByTestId('deploy-badge-director')).toHaveAttribute('data-tone', 'bad');
      await expect(page.getByTestId('deploy-status-rs1')).toHaveAttribute('data-status', 'rolled-back');
      await expect(page.getByTestId('deploy-badge-rs1')).toHaveAttribute('data-tone', 'warn');
      expect(loAddrs(rs1)).not.toContain(vip);
      await shot(page, 'deploy-failed');
    } finally {
      renameSync(`${ipvsadm}.real`, ipvsadm);
    }

    // rs1 gets a new host key: refused in red, no way to trust it from the dialog.
    await lab.stopSshd(rs1);
    lab.newHostKey(rs1);
    await lab.startSshd(rs1);
    await page.getByTestId('deploy-include-director').uncheck();
    await page.getByTestId('deploy-plan').click();
    await expect(page.getByTestId('changed-key-dialog')).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('changed-key-dialog')).toContainText(fingerprint(rs1));
    await expect(page.getByTestId('changed-key-dialog').getByRole('button')).toHaveCount(1);
    await expect(page.getByTestId('trust-dialog')).toHaveCount(0);
    await shot(page, 'deploy-changed-key');
    await page.getByTestId('changed-key-close').click();
    await expect(page.getByTestId('deploy-running')).toBeHidden({ timeout: 60_000 });
    await expect(page.getByTestId('deploy-status-rs1')).toHaveAttribute('data-phase', 'failed');
    await expect(page.getByTestId('deploy-key-changed-rs1')).toBeVisible();

    // The same panel in Simplified Chinese.
    await page.getByTestId('language-select').selectOption('zh-CN');
    await expect(page.getByTestId('deploy-plan')).toHaveText('演练 / 计划');
    await expect(page.getByTestId('deploy-status-rs1')).toHaveText('失败');
    await shot(page, 'deploy-zh');
  });
});
