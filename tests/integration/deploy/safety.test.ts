/**
 * Deploy safety against real OpenSSH in network namespaces (netns.ts): a failed deploy never takes
 * down the working configuration, the admin's SSH session is never cut, and a session that dies
 * anyway is healed by the host's own commit-confirm timer.
 *
 * - v1 → failed v2 → v1 intact (the rollback restores the state right before v2, not before v1);
 *   `lvsd rollback` then walks the chain back to before v1.
 * - A pre-existing `default … proto dhcp metric 100` route comes back exactly, and the design's
 *   metric-0 default is gone (rollback reads everything back).
 * - A route change that would take the session's path is made safe (a host route pins it first);
 *   one that cannot be made safe is refused in the plan.
 * - A session cut for real (override) rolls back by itself within the armed time, and the engine
 *   reconnects and reports it.
 *
 * Skipped when not root, without sshd, or without `ip netns`. Run this file alone.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHost } from '../../../shared/generators/index.ts';
import type { DeployEvent, DeployRequest, DeployResult } from '../../../shared/ipc/deploy.ts';
import type { Host, Route, Topology } from '../../../shared/model/types.ts';
import type { DeployDeps, DeployMode } from '../../../electron/services/deploy/engine.ts';
import { newDeployId, startDeploy } from '../../../electron/services/deploy/engine.ts';
import { KnownHosts } from '../../../electron/services/ssh/hostkeys.ts';
import { MemorySecretStore } from '../../../electron/services/secrets/store.ts';
import type { NsHost } from './netns.ts';
import { NetnsLab, inNs, netnsUnavailable } from './netns.ts';
import { directorRef, hostId, interfaceId, segmentId, serviceId, realServerId } from '../../../shared/model/ids.ts';

const unavailable = netnsUnavailable();
let lab: NetnsLab;

const sysctl = (h: NsHost, key: string) => inNs(h.ns, 'sysctl', '-n', key).trim();
const addrs = (h: NsHost, dev: string) => inNs(h.ns, 'ip', '-o', '-4', 'addr', 'show', 'dev', dev);
const routes = (h: NsHost, dest: string) => inNs(h.ns, 'ip', '-4', 'route', 'show', 'exact', dest).trim();

function server(h: NsHost, vips: readonly string[], extra: { gateway?: string; routes?: Route[] } = {}): Topology {
  const host: Host = {
    id: hostId('rs'),
    name: 'rs',
    role: 'real-server',
    interfaces: [
      {
        id: interfaceId('rs-lo'),
        name: 'lo',
        kind: 'loopback',
        segment: null,
        addresses: vips.map((v) => `${v}/32`),
        sysctl: { arpIgnore: 1, arpAnnounce: 2 },
      },
      { id: interfaceId('rs-eth0'), name: 'eth0', kind: 'ethernet', segment: segmentId('lan'), addresses: [`${h.ip}/24`] },
    ],
    sysctl: { arpIgnore: 1, arpAnnounce: 2 },
    ...extra,
    ssh: { host: h.ip, port: 22, user: 'root', auth: 'key', keyPath: lab.clientKey },
  };
  // The director has no SSH endpoint (skipped): it only makes the VIPs real DR services of rs.
  const director: Host = {
    id: hostId('dir'),
    name: 'dir',
    role: 'director',
    interfaces: [
      {
        id: interfaceId('dir-eth0'),
        name: 'eth0',
        kind: 'ethernet',
        segment: segmentId('lan'),
        addresses: [`10.231.${lab.subnet}.250/24`, ...vips.map((v) => `${v}/24`)],
      },
    ],
  };
  return {
    name: 'safety',
    segments: [{ id: segmentId('lan'), name: 'lan', cidr: `10.231.${lab.subnet}.0/24` }],
    hosts: [host, director],
    services: vips.map((v, i) => ({
      id: serviceId(`web${i}`),
      director: directorRef('dir'),
      protocol: 'tcp' as const,
      vip: v,
      port: 80,
      scheduler: 'rr' as const,
      realServers: [{ id: realServerId(`web${i}-rs`), host: hostId('rs'), rip: h.ip, port: 80, method: 'dr' as const, weight: 1 }],
    })),
  };
}

function deps(h: NsHost): DeployDeps {
  return {
    render: renderHost,
    knownHosts: new KnownHosts(join(lab.work, 'known_hosts'), []),
    confirmHostKey: async () => true,
    secrets: new MemorySecretStore(),
    askSecret: async () => null,
    remoteEnv: () => ({ LVSD_STATE_DIR: h.stateDir, LVSD_BOOT_ROOT: join(h.dir, 'root') }),
    readyTimeoutMs: 4_000,
    keepaliveIntervalMs: 1_000,
  };
}

async function run(
  mode: DeployMode,
  topology: Topology,
  h: NsHost,
  extra: Partial<DeployRequest> = {},
): Promise<{ result: DeployResult; events: DeployEvent[]; log: string }> {
  const r = startDeploy(mode, { deployId: newDeployId(), topology, e2eRequests: 0, confirmSeconds: 30, ...extra }, deps(h));
  const events: DeployEvent[] = [];
  for await (const e of r.events()) events.push(e);
  return { result: await r.result, events, log: r.log.text() };
}

const host = (r: DeployResult) => r.hosts.find((x) => x.hostId === 'rs')!;
const planOf = (r: DeployResult) => r.plan!.hosts.find((x) => x.hostId === 'rs')!;

describe.skipIf(unavailable !== null)(`deploy safety in namespaces${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let a: NsHost, b: NsHost, c: NsHost, d: NsHost;
  const vip = (n: number) => `10.231.${lab.subnet}.${100 + n}`;
  const net = () => `10.231.${lab.subnet}`;

  beforeAll(async () => {
    lab = new NetnsLab();
    [a, b, c, d] = (await lab.addHosts(4)) as [NsHost, NsHost, NsHost, NsHost];
  }, 60_000);
  afterAll(async () => {
    await lab?.close();
  }, 60_000);

  it('v1 → failed v2 → v1 intact; lvsd rollback then walks the chain back to before v1', async () => {
    const v1 = await run('apply', server(a, [vip(0)]), a);
    expect(v1.result.outcome, v1.log).toBe('success');
    expect(sysctl(a, 'net.ipv4.conf.all.arp_ignore')).toBe('1');
    expect(addrs(a, 'lo')).toContain(`${vip(0)}/32`);
    // v2: one more VIP, and a route whose gateway the kernel refuses — apply.sh fails after the VIP went up.
    const v2design = server(a, [vip(0), vip(1)], { routes: [{ destination: '10.99.0.0/24', via: '192.0.2.1' }] });
    const v2 = await run('apply', v2design, a, { overrideErrors: true });
    expect(v2.result.outcome, v2.log).toBe('rolled-back');
    expect(v2.log).toMatch(/restoring the state saved right before deploy/);
    expect(host(v2.result).stderr ?? '', "the failing command's stderr is in the result").toMatch(/apply\.sh|Nexthop|gateway|Error/i);
    // v1's configuration is still there; only v2's VIP is gone.
    expect(addrs(a, 'lo')).toContain(`${vip(0)}/32`);
    expect(addrs(a, 'lo')).not.toContain(`${vip(1)}/32`);
    expect(sysctl(a, 'net.ipv4.conf.all.arp_ignore')).toBe('1');
    expect(sysctl(a, 'net.ipv4.conf.all.arp_announce')).toBe('2');
    // current/ still names v1: a plan of v1 finds nothing to do.
    const again = await run('dry-run', server(a, [vip(0)]), a);
    expect(again.result.outcome, JSON.stringify(planOf(again.result).changes)).toBe('no-changes');
    expect(readFileSync(join(a.stateDir, 'history'), 'utf8').trim().split('\n')).toEqual([v1.result.deployId]);
    // lvsd rollback undoes v1: back to before the first deploy.
    const back = await run('rollback', server(a, [vip(0)]), a);
    expect(back.result.outcome, back.log).toBe('success');
    expect(back.log).toContain(`restoring the state saved right before deploy ${v1.result.deployId}`);
    expect(addrs(a, 'lo')).not.toContain(`${vip(0)}/32`);
    expect(sysctl(a, 'net.ipv4.conf.all.arp_ignore')).toBe('0');
    const nothing = await run('rollback', server(a, [vip(0)]), a);
    expect(host(nothing.result).status).toBe('unchanged');
  }, 120_000);

  it('two good deploys: rollback restores v1, a second rollback restores before v1', async () => {
    const v1 = await run('apply', server(a, [vip(2)]), a);
    expect(v1.result.outcome, v1.log).toBe('success');
    const v2 = await run('apply', server(a, [vip(2), vip(3)]), a);
    expect(v2.result.outcome, v2.log).toBe('success');
    expect(addrs(a, 'lo')).toContain(`${vip(3)}/32`);
    const r1 = await run('rollback', server(a, [vip(2)]), a);
    expect(r1.log).toContain(`before deploy ${v2.result.deployId}`);
    expect(addrs(a, 'lo')).toContain(`${vip(2)}/32`);
    expect(addrs(a, 'lo')).not.toContain(`${vip(3)}/32`);
    expect(sysctl(a, 'net.ipv4.conf.all.arp_ignore')).toBe('1');
    const r2 = await run('rollback', server(a, [vip(2)]), a);
    expect(r2.log).toContain(`before deploy ${v1.result.deployId}`);
    expect(addrs(a, 'lo')).not.toContain(`${vip(2)}/32`);
    expect(sysctl(a, 'net.ipv4.conf.all.arp_ignore')).toBe('0');
  }, 120_000);

  it("restores a default route with metric and proto exactly; the design's metric-0 default is gone", async () => {
    inNs(b.ns, 'ip', 'route', 'add', 'default', 'via', `${net()}.1`, 'proto', 'dhcp', 'src', b.ip, 'metric', '100');
    const before = routes(b, 'default');
    expect(before).toMatch(/proto dhcp .*metric 100/);
    const v1 = await run('apply', server(b, [vip(4)], { gateway: `${net()}.5` }), b, { overrideErrors: true });
    expect(v1.result.outcome, v1.log).toBe('success');
    expect(routes(b, 'default')).toContain(`default via ${net()}.5 dev eth0`);
    const back = await run('rollback', server(b, [vip(4)], { gateway: `${net()}.5` }), b);
    expect(back.result.outcome, back.log).toBe('success');
    expect(routes(b, 'default')).toBe(before);
  }, 120_000);

  it("a route change that would take the session's path is made safe: the admin's address is pinned first", async () => {
    // 10.231.X.0/25 via .200 covers the admin (.1 on the bridge) and is more specific than the link route.
    const design = server(c, [vip(5)], { routes: [{ destination: `${net()}.0/25`, via: `${net()}.200` }] });
    const plan = await run('dry-run', design, c, { overrideErrors: true });
    const hp = planOf(plan.result);
    expect(hp.changes.map((x) => `${x.kind} ${x.subject}`)).toContain(`route ${lab.rootIp}/32`);
    expect(hp.notes.join('\n')).toMatch(/would move from .* a host route .* is added first/);
    expect(hp.notes.join('\n')).toMatch(/commit-confirm: the host rolls back by itself 30 s/);
    const done = await run('apply', design, c, { overrideErrors: true });
    expect(done.result.outcome, done.log).toBe('success');
    expect(done.log).toMatch(/commit-confirm armed/);
    expect(done.log).toMatch(/confirmed over a new SSH connection/);
    expect(routes(c, `${lab.rootIp}/32`)).toContain('dev eth0');
    expect(routes(c, `${net()}.0/25`)).toContain(`via ${net()}.200`);
    // A route for the admin's own address cannot be pinned around: refused in the plan.
    const cut = server(c, [vip(5)], { routes: [{ destination: `${lab.rootIp}/32`, via: `${net()}.200` }] });
    const refused = await run('apply', cut, c, { overrideErrors: true });
    expect(refused.result.outcome, refused.log).toBe('failed');
    expect(planOf(refused.result).error).toMatch(/locked out|lock you out|refused/);
    expect(routes(c, `${lab.rootIp}/32`)).not.toContain('via');
  }, 120_000);

  it('a session cut for real (override) rolls back by itself within the armed time', async () => {
    const cut = server(d, [vip(6)], { routes: [{ destination: `${lab.rootIp}/32`, via: `${net()}.200` }] });
    const started = Date.now();
    const r = await run('apply', cut, d, { overrideErrors: true, allowSessionCut: true, confirmSeconds: 8 });
    expect(r.log).toMatch(/OVERRIDE allowSessionCut|session-cut check overridden/);
    expect(r.result.outcome, r.log).toBe('rolled-back');
    expect(host(r.result).message ?? '').toMatch(/commit-confirm timer/);
    const undone = readFileSync(join(d.stateDir, 'deploy', r.result.deployId, '.lvsd', 'undone'), 'utf8');
    expect(undone).toMatch(/^0 by timer at /);
    // Reachable again: the route that cut the session is gone, the VIP too.
    expect(routes(d, `${lab.rootIp}/32`)).toBe('');
    expect(addrs(d, 'lo')).not.toContain(`${vip(6)}/32`);
    expect(Date.now() - started).toBeLessThan(90_000);
  }, 150_000);
});
