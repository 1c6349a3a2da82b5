/**
 * Deploy of an HA director pair (a keepalived VRRP group) against real OpenSSH in two network
 * namespaces. This kernel has no IPVS, so keepalived cannot run: `systemctl` is a stand-in that, on
 * start/reload, builds the stand-in IPVS table from the installed keepalived.conf, plays VRRP's part
 * the way a settled pair ends up (the member whose file says `state MASTER` adds the VIP to eth0,
 * the others remove it) and records the sync daemon keepalived's `lvs_sync_daemon` starts. What is
 * real: the order the engine applies the members in, the refusal of a design that elects two
 * masters, and the post-deploy check that reads `ip -j addr` and `ipvsadm -L --daemon` on every
 * member and rolls back when a VIP has two holders or a member runs no sync daemon.
 * In plain sync mode (`sync.mode: 'ipvsadm'`) the stand-in ipvsadm also keeps the kernel sync
 * daemons apply.sh starts (`--start-daemon`/`--stop-daemon`) and logs every daemon call, so the test
 * sees apply start them, verify read them and rollback put back the ones that ran before.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHost } from '../../../shared/generators/index.ts';
import type { DeployResult } from '../../../shared/ipc/deploy.ts';
import type { Topology } from '../../../shared/model/types.ts';
import type { DeployDeps, DeployMode } from '../../../electron/services/deploy/engine.ts';
import { newDeployId, startDeploy } from '../../../electron/services/deploy/engine.ts';
import { KnownHosts } from '../../../electron/services/ssh/hostkeys.ts';
import { MemorySecretStore } from '../../../electron/services/secrets/store.ts';
import type { NsHost } from './netns.ts';
import { NetnsLab, inNs, netnsUnavailable, writeFakeIpvsadm } from './netns.ts';
import { topologySchema } from '../../../shared/model/schema.ts';
import { hostId } from '../../../shared/model/ids.ts';

const noKeepalived = spawnSync('keepalived', ['--version'], { stdio: 'ignore' }).error ? 'keepalived is not installed' : null;
const unavailable = netnsUnavailable() ?? noKeepalived;
let lab: NetnsLab;
let order: string;

const vip = () => `10.231.${lab.subnet}.100`;

function design(d1: NsHost, d2: NsHost, opts: { lvs2State?: 'MASTER' | 'BACKUP'; weight?: number; sync?: 'keepalived' | 'ipvsadm' } = {}): Topology {
  const net = `10.231.${lab.subnet}`;
  const director = (id: string, d: NsHost) => ({
    id,
    name: id,
    role: 'director',
    ipvsOwner: 'keepalived',
    interfaces: [{ id: `${id}-eth0`, name: 'eth0', kind: 'ethernet', segment: 'lan', addresses: [`${d.ip}/24`] }],
    ssh: { host: d.ip, port: 22, user: 'root', auth: 'key', keyPath: lab.clientKey },
  });
  const rs = {
    id: 'rs',
    name: 'rs',
    role: 'real-server',
    interfaces: [
      { id: 'rs-lo', name: 'lo', kind: 'loopback', segment: null, addresses: [`${net}.100/32`], sysctl: { arpIgnore: 1, arpAnnounce: 2 } },
      { id: 'rs-eth0', name: 'eth0', kind: 'ethernet', segment: 'lan', addresses: [`${net}.20/24`] },
    ],
    sysctl: { arpIgnore: 1, arpAnnounce: 2 },
  };
  // Through the file format's schema, as a loaded design is: it checks the fixture and types its ids.
  return topologySchema.parse({
    name: 'HA pair deploy',
    segments: [{ id: 'lan', name: 'lan', cidr: `${net}.0/24` }],
    hosts: [director('lvs1', d1), director('lvs2', d2), rs],
    directorGroups: [
      {
        id: 'pair',
        name: 'VI_T',
        vrid: 61,
        advertInt: 1,
        virtualAddresses: [{ address: `${net}.100/24`, dev: 'eth0' }],
        sync: { mode: opts.sync ?? 'keepalived', interface: 'eth0', syncId: 61 },
        members: [
          { host: 'lvs1', priority: 150, state: 'MASTER', interface: 'eth0', unicastSrcIp: d1.ip, unicastPeers: [d2.ip] },
          { host: 'lvs2', priority: 100, state: opts.lvs2State ?? 'BACKUP', interface: 'eth0', unicastSrcIp: d2.ip, unicastPeers: [d1.ip] },
        ],
      },
    ],
    services: [
      {
        id: 'web',
        director: 'pair',
        protocol: 'tcp',
        vip: `${net}.100`,
        port: 80,
        scheduler: 'rr',
        realServers: [{ id: 'web-rs', host: 'rs', rip: `${net}.20`, port: 80, method: 'dr', weight: opts.weight ?? 1 }],
      },
    ],
  }) as Topology;
}

function paths(d: NsHost) {
  return {
    ipvs: join(d.dir, 'ipvs'),
    ipvsadm: join(d.dir, 'ipvsadm'),
    baseIpvsadm: join(d.dir, 'ipvsadm-base'),
    systemctl: join(d.dir, 'systemctl'),
    conf: join(d.dir, 'etc-keepalived', 'keepalived.conf'),
    bootRoot: join(d.dir, 'root'),
  };
}

/**
 * ipvsadm stand-in that also keeps the sync daemons: `-L --daemon` prints them (from the systemctl
 * stand-in or `--start-daemon`), a second start of a role or a stop of an idle one fails as the real
 * one does; every daemon call goes to DIR/ipvs/daemon-calls.
 */
function writeStandIns(d: NsHost, name: string): void {
  const p = paths(d);
  writeFakeIpvsadm(p.baseIpvsadm, p.ipvs);
  writeFileSync(
    p.ipvsadm,
    `#!/bin/sh
d=${p.ipvs}
touch $d/daemon
case "$1 \${2:-}" in
  "-L --daemon") echo "$*" >>$d/daemon-calls; cat $d/daemon; exit 0 ;;
  --start-daemon*) echo "$*" >>$d/daemon-calls
    if grep -q "^$2 " $d/daemon; then echo 'ipvsadm: Daemon already running' >&2; exit 1; fi
    echo "$2 sync daemon (mcast=$4, syncid=$6)" >>$d/daemon; exit 0 ;;
  --stop-daemon*) echo "$*" >>$d/daemon-calls
    grep -q "^$2 " $d/daemon || { echo 'ipvsadm: No such process' >&2; exit 1; }
    grep -v "^$2 " $d/daemon >$d/daemon.new || true; mv $d/daemon.new $d/daemon; exit 0 ;;
esac
exec ${p.baseIpvsadm} "$@"
`,
    { mode: 0o755 },
  );
  writeFileSync(
    p.systemctl,
    `#!/bin/sh
set -eu
case "$1" in
  is-active) [ -f ${p.ipvs}/active ]; exit $? ;;
esac
echo "${name} $*" >>${order}
awk '$1 == "virtual_server" { svc = $2 ":" $3; print "-A -t " svc " -s rr" }
     $1 == "real_server" { rs = $2 ":" $3 }
     $1 == "weight" && rs != "" { print "-a -t " svc " -r " rs " -g -w " $2; rs = "" }' ${p.conf} >${p.ipvs}/rules
touch ${p.ipvs}/active
role=backup
if grep -q '^ *state MASTER' ${p.conf}; then role=master; fi
# VRRP between the members cut (the 'split' marker): the backup hears no master and takes the VIP too.
if [ $role = master ] || [ -f ${p.ipvs}/split ]; then ip addr add ${vip()}/24 dev eth0 2>/dev/null || true
else ip addr del ${vip()}/24 dev eth0 2>/dev/null || true; fi
# keepalived starts its sync daemon from lvs_sync_daemon; without it, it leaves the kernel's alone.
sync=$(awk '$1 == "lvs_sync_daemon" { print $2 " " $5 }' ${p.conf})
if [ -n "$sync" ] && [ ! -f ${p.ipvs}/no-daemon ]; then
  set -- $sync; echo "$role sync daemon (mcast=$1, syncid=$2)" >${p.ipvs}/daemon
elif [ -n "$sync" ]; then : >${p.ipvs}/daemon; fi
`,
    { mode: 0o755 },
  );
  mkdirSync(join(d.dir, 'etc-keepalived'), { recursive: true });
  writeFileSync(p.conf, 'global_defs {\n  router_id before\n}\n');
  writeFileSync(join(p.ipvs, 'active'), '');
}

function deps(hosts: readonly NsHost[]): DeployDeps {
  return {
    render: renderHost,
    knownHosts: new KnownHosts(join(lab.work, 'known_hosts'), []),
    confirmHostKey: async () => true,
    secrets: new MemorySecretStore(),
    askSecret: async () => null,
    remoteEnv: (h) => {
      const d = hosts[h.id === 'lvs1' ? 0 : 1]!;
      const p = paths(d);
      return {
        LVSD_STATE_DIR: d.stateDir,
        LVSD_IPVSADM: p.ipvsadm,
        LVSD_MODPROBE: '/bin/true',
        LVSD_SYSTEMCTL: p.systemctl,
        LVSD_KEEPALIVED_CONF: p.conf,
        LVSD_KEEPALIVED_WAIT: '0',
        LVSD_BOOT_ROOT: p.bootRoot,
      };
    },
    readyTimeoutMs: 8_000,
    haSettleMs: 1_500,
  };
}

async function run(mode: DeployMode, topology: Topology, dep: DeployDeps): Promise<{ result: DeployResult; log: string }> {
  const r = startDeploy(mode, { deployId: newDeployId(), topology, e2eRequests: 0, confirmSeconds: 0, hosts: [hostId('lvs1'), hostId('lvs2')] }, dep);
  for await (const e of r.events()) void e;
  return { result: await r.result, log: r.log.text() };
}

const holders = (ds: readonly NsHost[]) =>
  ds.filter((d) => inNs(d.ns, 'ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0').includes(`${vip()}/24`)).map((d) => d.ns);
const applied = () => (existsSync(order) ? readFileSync(order, 'utf8').trim().split('\n') : []);

describe.skipIf(unavailable !== null)(`HA director pair deploy${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let d1: NsHost;
  let d2: NsHost;

  beforeAll(async () => {
    lab = new NetnsLab();
    [d1, d2] = (await lab.addHosts(2)) as [NsHost, NsHost];
    order = join(lab.work, 'order');
    writeStandIns(d1, 'lvs1');
    writeStandIns(d2, 'lvs2');
  }, 60_000);
  afterAll(async () => {
    await lab?.close();
  }, 60_000);

  it('refuses a design that elects two masters, with the reason; no host is touched', async () => {
    // lvs2 as MASTER without unicast peers towards it would be caught by the checker; here the pair
    // is cut from each other by one-sided peers, so each would elect itself.
    const t = design(d1, d2);
    const g = t.directorGroups![0]!;
    const cut: Topology = { ...t, directorGroups: [{ ...g, members: g.members.map((m) => ({ ...m, unicastPeers: [] })) }] };
    const r = await run('apply', cut, deps([d1, d2]));
    expect(r.result.outcome).toBe('failed');
    expect(r.result.error).toMatch(/^refused: /);
    expect(r.log, 'nothing uploaded').not.toMatch(/uploading/);
    expect(applied()).toEqual([]);
  }, 60_000);

  it('applies the backup first, then the master; one member holds the VIP and both run the sync daemon', async () => {
    const r = await run('apply', design(d1, d2), deps([d1, d2]));
    expect(r.result.outcome, r.log).toBe('success');
    expect(r.result.plan!.stages.slice(-2)).toEqual([['lvs2'], ['lvs1']]);
    expect(applied()).toEqual(['lvs2 reload keepalived', 'lvs1 reload keepalived']);
    expect(holders([d1, d2])).toEqual([d1.ns]);
    expect(r.log).toMatch(new RegExp(`HA VI_T: ${vip().replace(/\./g, '\\.')} held by lvs1; sync daemons running on every member`));
    rmSync(order);
  }, 120_000);

  it('a VIP on both members after apply (split brain): the HA check names both holders and the deploy is rolled back', async () => {
    // The backup also takes the VIP, as when VRRP between the members is cut.
    writeFileSync(join(paths(d2).ipvs, 'split'), '');
    const r = await run('apply', design(d1, d2, { weight: 2 }), deps([d1, d2]));
    rmSync(join(paths(d2).ipvs, 'split'));
    expect(r.result.outcome, r.log).toBe('rolled-back');
    expect(r.log).toMatch(/HA check failed: VI_T: lvs1 and lvs2 all hold 10\.231\.\d+\.100 \(split brain\)/);
    expect(applied().slice(0, 2)).toEqual(['lvs2 reload keepalived', 'lvs1 reload keepalived']);
    rmSync(order);
  }, 120_000);

  it('a member without the sync daemon: the HA check fails naming it and the deploy is rolled back', async () => {
    writeFileSync(join(paths(d2).ipvs, 'no-daemon'), '');
    const r = await run('apply', design(d1, d2, { weight: 3 }), deps([d1, d2]));
    rmSync(join(paths(d2).ipvs, 'no-daemon'));
    expect(r.result.outcome, r.log).toBe('rolled-back');
    expect(r.log).toMatch(/HA check failed: VI_T: lvs2 runs no sync daemon on eth0 with syncid 61/);
    rmSync(order, { force: true });
  }, 120_000);

  it('plain sync mode: apply starts master and backup daemons on both members, verify reads them, the HA check sees them', async () => {
    for (const d of [d1, d2]) writeFileSync(join(paths(d).ipvs, 'daemon-calls'), '');
    const r = await run('apply', design(d1, d2, { sync: 'ipvsadm', weight: 4 }), deps([d1, d2]));
    expect(r.result.outcome, r.log).toBe('success');
    expect(r.log).toMatch(/changed: connection sync daemons: master and backup on eth0, syncid 61/);
    expect(r.log, 'the plan lists the daemon commands').toMatch(
      /note: connection sync \(plain mode\): apply runs ipvsadm --start-daemon master --mcast-interface eth0 --syncid 61; ipvsadm --start-daemon backup --mcast-interface eth0 --syncid 61 when/,
    );
    expect(r.log).toMatch(/sync daemons running on every member/);
    for (const d of [d1, d2]) {
      const calls = readFileSync(join(paths(d).ipvs, 'daemon-calls'), 'utf8');
      expect(calls).toContain('--start-daemon master --mcast-interface eth0 --syncid 61\n--start-daemon backup --mcast-interface eth0 --syncid 61\n');
      const after = calls.slice(calls.indexOf('--start-daemon backup'));
      expect(after.match(/^-L --daemon$/gm)?.length ?? 0, 'verify.sh and the HA check read them back').toBeGreaterThanOrEqual(2);
      expect(
        readFileSync(join(paths(d).ipvs, 'daemon'), 'utf8')
          .split('\n')
          .sort()
          .join('\n'),
      ).toBe('\nbackup sync daemon (mcast=eth0, syncid=61)\nmaster sync daemon (mcast=eth0, syncid=61)');
    }
    rmSync(order, { force: true });
  }, 120_000);

  it('plain sync mode rolled back (split brain): the daemons that ran before the deploy are back', async () => {
    // Before this deploy lvs2 ran one foreign backup daemon; then the deploy fails its HA check.
    const before = 'backup sync daemon (mcast=eth0, syncid=9)\n';
    writeFileSync(join(paths(d2).ipvs, 'daemon'), before);
    for (const d of [d1, d2]) writeFileSync(join(paths(d).ipvs, 'daemon-calls'), '');
    writeFileSync(join(paths(d2).ipvs, 'split'), '');
    const r = await run('apply', design(d1, d2, { sync: 'ipvsadm', weight: 5 }), deps([d1, d2]));
    rmSync(join(paths(d2).ipvs, 'split'));
    expect(r.result.outcome, r.log).toBe('rolled-back');
    const calls = readFileSync(join(paths(d2).ipvs, 'daemon-calls'), 'utf8');
    // apply: the foreign one stopped, both designed ones started; rollback: both stopped, the old one back
    expect(calls).toMatch(
      /--stop-daemon backup\n--start-daemon master --mcast-interface eth0 --syncid 61\n--start-daemon backup --mcast-interface eth0 --syncid 61\n(.*\n)*--stop-daemon master\n--stop-daemon backup\n--start-daemon backup --mcast-interface eth0 --syncid 9\n/,
    );
    expect(r.log).toMatch(/restored: backup sync daemon on eth0, syncid 9/);
    expect(readFileSync(join(paths(d2).ipvs, 'daemon'), 'utf8')).toBe(before);
    expect(readFileSync(join(paths(d1).ipvs, 'daemon'), 'utf8'), 'lvs1 had the plain daemons of the previous deploy: back to those').toBe(
      'master sync daemon (mcast=eth0, syncid=61)\nbackup sync daemon (mcast=eth0, syncid=61)\n',
    );
    rmSync(order, { force: true });
  }, 120_000);
});
