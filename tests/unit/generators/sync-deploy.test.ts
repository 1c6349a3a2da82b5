/**
 * Plain-mode connection sync (`sync.mode: 'ipvsadm'`) in the generated scripts: a master and a
 * backup sync daemon on every member, started by apply.sh (only when they differ), restored by the
 * boot script, read back by verify.sh and put back as the snapshot had them by rollback.sh. The shell
 * pieces run for real under dash (and busybox ash when present) against a stand-in ipvsadm that keeps
 * the daemons in a file and fails like the real one on a second start or a stop of an idle role.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Topology } from '../../../shared/model/types.ts';
import { renderHost } from '../../../shared/generators/index.ts';
import { plainSyncCommands, plainSyncDaemonsOrThrow } from '../../../shared/generators/vrrp.ts';
import {
  SYNC_CLEANUP,
  SYNC_HELPERS,
  SYNC_ROLLBACK,
  SYNC_SNAPSHOT,
  SYNC_SNAPSHOT_DEPLOY_ONLY,
  syncApply,
  syncVerify,
  syncWanted,
} from '../../../shared/generators/sync-deploy.ts';
import { hostId } from '../../../shared/model/ids.ts';
import { loadExample } from './helpers.ts';
import { keepalivedPlan, type HostState } from '../../../electron/services/deploy/state.ts';

const work = mkdtempSync(join(tmpdir(), 'lvsd-syncd-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const hasBusybox = !spawnSync('busybox', ['true']).error;
const shells = [['sh'], ...(hasBusybox ? [['busybox', 'sh']] : [])];

function plain(mode: 'ipvsadm' | 'keepalived' = 'ipvsadm', syncId = 51): Topology {
  const t = loadExample('nat-ha-lab');
  const groups = t.directorGroups!.map((g) => ({ ...g, sync: { mode, interface: 'eth1', syncId } }));
  return { ...t, directorGroups: groups };
}

function files(t: Topology, host: string): Map<string, string> {
  const r = renderHost(t, host);
  if (!r.ok) throw new Error(r.error);
  return new Map(r.value.map((f) => [f.path, f.content]));
}

/** A stand-in ipvsadm: daemons in DIR/daemon as `ipvsadm -L --daemon` prints them, every call in DIR/calls. */
function fakeIpvsadm(dir: string): string {
  const path = join(dir, 'ipvsadm');
  writeFileSync(join(dir, 'daemon'), '');
  writeFileSync(join(dir, 'calls'), '');
  writeFileSync(
    path,
    `#!/bin/sh
d=${dir}
echo "$*" >>$d/calls
case "$1" in
  -L) cat $d/daemon ;;
  --start-daemon)
    if grep -q "^$2 " $d/daemon; then echo 'ipvsadm: Daemon already running' >&2; exit 1; fi
    echo "$2 sync daemon (mcast=$4, syncid=$6, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)" >>$d/daemon ;;
  --stop-daemon)
    grep -q "^$2 " $d/daemon || { echo 'ipvsadm: No such process' >&2; exit 1; }
    grep -v "^$2 " $d/daemon >$d/daemon.new; mv $d/daemon.new $d/daemon ;;
  *) exit 2 ;;
esac
`,
    { mode: 0o755 },
  );
  return path;
}

describe('plain-mode sync daemons of a member', () => {
  it('a master and a backup daemon on every member, whatever its VRRP state', () => {
    const t = plain('ipvsadm', 7);
    for (const h of ['lvs1', 'lvs2'])
      expect(plainSyncCommands(t, hostId(h))).toEqual([
        'ipvsadm --start-daemon master --mcast-interface eth1 --syncid 7',
        'ipvsadm --start-daemon backup --mcast-interface eth1 --syncid 7',
      ]);
    expect(plainSyncCommands(t, hostId('rs1'))).toEqual([]);
    expect(plainSyncCommands(plain('keepalived'), hostId('lvs1'))).toEqual([]);
  });
  it('refuses a bad interface or sync id with the field named', () => {
    const t = plain();
    const bad = (sync: object): Topology => ({ ...t, directorGroups: [{ ...t.directorGroups![0]!, sync: { mode: 'ipvsadm', interface: 'eth1', ...sync } }] });
    expect(() => plainSyncDaemonsOrThrow(bad({ interface: 'eth1;reboot' }), hostId('lvs1'))).toThrow(/directorGroups\[0\] \(pair\)\.sync\.interface/);
    expect(() => plainSyncDaemonsOrThrow(bad({ syncId: 256 }), hostId('lvs1'))).toThrow(/directorGroups\[0\] \(pair\)\.sync\.syncId/);
    expect(renderHost(bad({ syncId: -1 }), 'lvs1').ok).toBe(false);
  });
});

describe('the generated scripts of a plain-mode member', () => {
  const f = files(plain(), 'lvs1');
  const apply = f.get('apply.sh')!;
  it('apply.sh snapshots the daemons before any change and starts both after the keepalived reload, before the boot unit', () => {
    const snap = apply.indexOf('syncd_now >"$snap_dir/syncd"');
    const reload = apply.indexOf('ka_put "$HERE/keepalived.conf"');
    const start = apply.indexOf(
      '  lvs_ipvsadm --start-daemon master --mcast-interface eth1 --syncid 51\n  lvs_ipvsadm --start-daemon backup --mcast-interface eth1 --syncid 51',
    );
    const boot = apply.indexOf('sh "$HERE/boot/install.sh"');
    expect(snap).toBeGreaterThan(0);
    expect(snap).toBeLessThan(reload);
    expect(reload).toBeLessThan(start);
    expect(start).toBeLessThan(boot);
  });
  it('the boot script starts them, verify.sh reads them back, rollback.sh puts the snapshot back', () => {
    expect(f.get('boot/lvs-designer-boot.sh')).toContain('  lvs_ipvsadm --start-daemon backup --mcast-interface eth1 --syncid 51\n');
    expect(f.get('verify.sh')).toContain("pass 'connection sync daemons: master and backup on eth1, syncid 51'");
    expect(f.get('rollback.sh')).toContain('syncd_start "$sd_role" "$sd_dev" "$sd_id"');
  });
  it('keepalived mode and real servers get none of it (keepalived starts its own from lvs_sync_daemon)', () => {
    for (const [t, h] of [
      [plain('keepalived'), 'lvs1'],
      [plain(), 'rs1'],
    ] as const) {
      for (const [p, c] of files(t, h)) expect(c, `${h} ${p}`).not.toMatch(/start-daemon|syncd_/);
    }
  });
});

describe('the shell pieces against a stand-in ipvsadm', () => {
  const ds = plainSyncDaemonsOrThrow(plain(), hostId('lvs1'));
  const prelude = ['set -eu', 'lvs_ipvsadm() { "$LVSD_IPVSADM" "$@"; }', ...SYNC_HELPERS, ...syncWanted(ds)];
  const applyScript = [...prelude, 'changed() { printf \'changed: %s\\n\' "$1"; }', 'snap_dir=$SNAP', ...SYNC_SNAPSHOT, ...syncApply(ds)].join('\n');
  const verifyScript = [...prelude, 'pass() { echo "OK    $1"; }', 'differ() { echo "DIFF  $1"; exit 1; }', ...syncVerify(ds)].join('\n');
  const rollbackScript = [...prelude, 'failed=0', 'warn() { failed=$((failed + 1)); echo "rollback: $1" >&2; }', ...SYNC_ROLLBACK, '[ "$failed" -eq 0 ]'].join(
    '\n',
  );

  for (const shell of shells) {
    it(`${shell.join(' ')}: apply replaces a foreign daemon, is idempotent; verify; rollback restores the one before`, () => {
      const dir = mkdtempSync(join(work, 'run-'));
      const ipvsadm = fakeIpvsadm(dir);
      const snap = join(dir, 'snap');
      spawnSync('mkdir', [snap]);
      writeFileSync(join(dir, 'daemon'), 'backup sync daemon (mcast=eth0, syncid=9)\n');
      const env = { ...process.env, LVSD_IPVSADM: ipvsadm, SNAP: snap };
      const run = (script: string) => spawnSync(shell[0]!, [...shell.slice(1), '-c', script], { encoding: 'utf8', env });

      const v0 = run(verifyScript);
      expect(v0.status).toBe(1);
      expect(v0.stdout).toContain('DIFF  connection sync daemons are backup eth0 9, want master and backup on eth1, syncid 51 (ipvsadm -L --daemon)');

      const a1 = run(applyScript);
      expect(a1.status, a1.stderr).toBe(0);
      expect(a1.stdout).toBe('changed: connection sync daemons: master and backup on eth1, syncid 51 (were: backup eth0 9)\n');
      expect(readFileSync(join(snap, 'syncd'), 'utf8')).toBe('backup eth0 9\n');
      expect(
        readFileSync(join(dir, 'calls'), 'utf8')
          .split('\n')
          .filter((l) => /daemon (master|backup)/.test(l)),
      ).toEqual([
        '--stop-daemon backup',
        '--start-daemon master --mcast-interface eth1 --syncid 51',
        '--start-daemon backup --mcast-interface eth1 --syncid 51',
      ]);
      const a2 = run(applyScript);
      expect(a2.status, a2.stderr).toBe(0);
      expect(a2.stdout, 'second apply: nothing to do').toBe('');
      expect(readFileSync(join(snap, 'syncd'), 'utf8'), 'the snapshot keeps the first value').toBe('backup eth0 9\n');

      const v1 = run(verifyScript);
      expect(v1.status, v1.stdout).toBe(0);
      expect(v1.stdout).toBe('OK    connection sync daemons: master and backup on eth1, syncid 51\n');

      const r = run(rollbackScript);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe('stopped: the connection sync daemons of this deploy\nrestored: backup sync daemon on eth0, syncid 9\n');
      expect(readFileSync(join(dir, 'daemon'), 'utf8')).toMatch(/^backup sync daemon \(mcast=eth0, syncid=9[,)][^\n]*\n$/);
    });
    it(`${shell.join(' ')}: rollback after a first deploy on a host that ran none stops both`, () => {
      const dir = mkdtempSync(join(work, 'run-'));
      const ipvsadm = fakeIpvsadm(dir);
      const snap = join(dir, 'snap');
      spawnSync('mkdir', [snap]);
      const env = { ...process.env, LVSD_IPVSADM: ipvsadm, SNAP: snap };
      const run = (script: string) => spawnSync(shell[0]!, [...shell.slice(1), '-c', script], { encoding: 'utf8', env });
      expect(run(applyScript).stdout).toContain('(were: none)');
      const r = run(rollbackScript);
      expect(r.status, r.stderr).toBe(0);
      expect(readFileSync(join(dir, 'daemon'), 'utf8')).toBe('');
      expect(readFileSync(join(dir, 'calls'), 'utf8')).toContain('--stop-daemon master\n');
    });
  }
});

describe('a director whose design dropped plain-mode sync', () => {
  const noSync = (): Topology => {
    const t = loadExample('nat-ha-lab');
    return { ...t, directorGroups: t.directorGroups!.map(({ sync: _sync, ...g }) => g) };
  };
  it('apply.sh and rollback.sh of a director without sync carry the clean-up; keepalived-mode sync and real servers do not', () => {
    for (const [t, h] of [
      [noSync(), 'lvs1'],
      [loadExample('nat-lab'), 'director'],
    ] as const) {
      const f = files(t, h);
      expect(f.get('apply.sh'), h).toContain(SYNC_CLEANUP.join('\n'));
      expect(f.get('apply.sh'), h).toContain(SYNC_SNAPSHOT_DEPLOY_ONLY.join('\n'));
      expect(f.get('rollback.sh'), h).toContain(SYNC_ROLLBACK.join('\n'));
    }
    expect(files(plain('keepalived'), 'lvs1').get('apply.sh')).not.toContain('syncd_');
    expect(files(noSync(), 'rs1').get('apply.sh')).not.toContain('syncd_');
  });

  const prelude = ['set -eu', 'lvs_ipvsadm() { "$LVSD_IPVSADM" "$@"; }', ...SYNC_HELPERS];
  const applyScript = [
    ...prelude,
    'changed() { printf \'changed: %s\\n\' "$1"; }',
    'for snap_dir in "$ORIGIN" "$SNAP"; do',
    ...SYNC_SNAPSHOT_DEPLOY_ONLY,
    'done',
    ...SYNC_CLEANUP,
  ].join('\n');
  const rollbackScript = [...prelude, 'failed=0', 'warn() { failed=$((failed + 1)); echo "rollback: $1" >&2; }', ...SYNC_ROLLBACK, '[ "$failed" -eq 0 ]'].join(
    '\n',
  );

  for (const shell of shells) {
    it(`${shell.join(' ')}: stops the daemons an earlier version started, restores what ran before, once; daemons started by hand later stay`, () => {
      const dir = mkdtempSync(join(work, 'drop-'));
      const ipvsadm = fakeIpvsadm(dir);
      const origin = join(dir, 'origin');
      const snap = join(dir, 'snap');
      spawnSync('mkdir', [origin, snap]);
      // The earlier version recorded what ran before it (one foreign daemon) and started its own two.
      writeFileSync(join(origin, 'syncd'), 'backup eth0 9\n');
      writeFileSync(join(dir, 'daemon'), 'master sync daemon (mcast=eth1, syncid=51, maxlen=1472)\nbackup sync daemon (mcast=eth1, syncid=51, maxlen=1472)\n');
      const env = { ...process.env, LVSD_IPVSADM: ipvsadm, ORIGIN: origin, SNAP: snap };
      const run = (script: string) => spawnSync(shell[0]!, [...shell.slice(1), '-c', script], { encoding: 'utf8', env });

      const a1 = run(applyScript);
      expect(a1.status, a1.stderr).toBe(0);
      expect(a1.stdout).toBe('changed: connection sync daemons back to backup eth0 9 (no longer in the design; were: backup eth1 51;master eth1 51)\n');
      expect(readFileSync(join(dir, 'daemon'), 'utf8')).toMatch(/^backup sync daemon \(mcast=eth0, syncid=9[,)][^\n]*\n$/);
      expect(readFileSync(join(snap, 'syncd'), 'utf8'), "this deploy's snapshot has the daemons it found").toBe('backup eth1 51\nmaster eth1 51\n');
      expect(spawnSync('test', ['-e', join(origin, 'syncd')]).status, 'the origin record is gone').toBe(1);

      // An admin starts a daemon by hand: the next deploy leaves it alone.
      writeFileSync(join(dir, 'daemon'), 'master sync daemon (mcast=eth2, syncid=3)\n');
      const a2 = run(applyScript);
      expect(a2.status, a2.stderr).toBe(0);
      expect(a2.stdout).toBe('');
      expect(readFileSync(join(dir, 'daemon'), 'utf8')).toBe('master sync daemon (mcast=eth2, syncid=3)\n');

      // Rolling back the first deploy brings its daemons back.
      writeFileSync(join(dir, 'daemon'), 'backup sync daemon (mcast=eth0, syncid=9)\n');
      const r = run(rollbackScript);
      expect(r.status, r.stderr).toBe(0);
      expect(readFileSync(join(dir, 'daemon'), 'utf8')).toMatch(
        /^backup sync daemon \(mcast=eth1, syncid=51[^\n]*\nmaster sync daemon \(mcast=eth1, syncid=51[^\n]*\n$/,
      );
    });
    it(`${shell.join(' ')}: without an origin record nothing is touched`, () => {
      const dir = mkdtempSync(join(work, 'drop-'));
      const ipvsadm = fakeIpvsadm(dir);
      const origin = join(dir, 'origin');
      const snap = join(dir, 'snap');
      spawnSync('mkdir', [origin, snap]);
      writeFileSync(join(dir, 'daemon'), 'master sync daemon (mcast=eth2, syncid=3)\n');
      const env = { ...process.env, LVSD_IPVSADM: ipvsadm, ORIGIN: origin, SNAP: snap };
      const a = spawnSync(shell[0]!, [...shell.slice(1), '-c', applyScript], { encoding: 'utf8', env });
      expect(a.status, a.stderr).toBe(0);
      expect(a.stdout).toBe('');
      expect(readFileSync(join(dir, 'calls'), 'utf8')).not.toMatch(/--(stop|start)-daemon/);
    });
  }
});

describe('the deploy plan of a plain-mode member', () => {
  const state: HostState = {
    uid: 0,
    kernel: '6.1',
    addresses: new Map(),
    routes: [],
    sysctl: new Map(),
    ipvs: [],
    files: new Map(),
    tools: ['ipvsadm', 'keepalived'],
  };
  const deployFiles = (t: Topology) => [...files(t, 'lvs1')].map(([path, content]) => ({ path, content, mode: 0o755 }));
  it('lists the daemon commands apply runs; keepalived mode has no such note', () => {
    expect(keepalivedPlan(deployFiles(plain()), state, false).notes).toContain(
      'connection sync (plain mode): apply runs ipvsadm --start-daemon master --mcast-interface eth1 --syncid 51; ipvsadm --start-daemon backup --mcast-interface eth1 --syncid 51 when the running daemons differ (ipvsadm --stop-daemon first); verify reads them back with ipvsadm -L --daemon; rollback stops them and starts the ones that ran before',
    );
    expect(keepalivedPlan(deployFiles(plain('keepalived')), state, false).notes.join('\n')).not.toContain('connection sync');
  });
});
