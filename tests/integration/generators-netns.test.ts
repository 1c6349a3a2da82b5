/**
 * Runs the generated scripts for real, inside network namespaces created here: a DR real server
 * (real `ip` and `sysctl`) and a NAT director (real `ip`/`sysctl`, and a small ipvsadm stand-in
 * because this kernel has no IPVS — the qemu lab test covers the real ipvsadm).
 *
 * apply → verify OK → apply again says "no change" → rollback → the previous state is back.
 * Skipped when not root or when `ip netns` is unavailable.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHost } from '../../shared/generators/index.ts';
import type { Topology } from '../../shared/model/types.ts';
import { clone, loadExample } from '../unit/generators/helpers.ts';
import { interfaceId, realServerId } from '../../shared/model/ids.ts';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const probe = `lvsdprobe${process.pid}`;
const netnsOk =
  isRoot &&
  spawnSync('ip', ['netns', 'add', probe], { stdio: 'ignore' }).status === 0 &&
  spawnSync('ip', ['netns', 'del', probe], { stdio: 'ignore' }).status === 0;

const tag = String(process.pid % 100000);
const NS_RS = `lvsdrs${tag}`;
const NS_DIR = `lvsddir${tag}`;
let work = '';

function sh(...args: string[]): string {
  return execFileSync(args[0]!, args.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function writeHost(t: Topology, hostId: string, into: string): void {
  const r = renderHost(t, hostId);
  if (!r.ok) throw new Error(r.error);
  mkdirSync(into, { recursive: true });
  for (const f of r.value) {
    mkdirSync(join(into, f.path, '..'), { recursive: true });
    writeFileSync(join(into, f.path), f.content, { mode: f.mode });
  }
}

/** Runs a generated script in a namespace with the given shell; returns exit code and output. */
function run(ns: string, shell: string, script: string, env: Record<string, string>): { code: number; out: string } {
  const r = spawnSync('ip', ['netns', 'exec', ns, shell, script], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

// A stand-in for ipvsadm that keeps its table in files: -S -n prints it sorted (as ipvsadm does),
// -C/-R replace it, -e records thresholds, -L -n --thresholds prints them in ipvsadm 1.31's layout
// (Uthreshold/Lthreshold replace Forward/Weight; non-zero connection counters, as after traffic).
const FAKE_IPVSADM = `#!/bin/sh
set -eu
d=\${FAKE_IPVS_DIR:?}
touch "$d/rules" "$d/thr"
echo "$*" >>"$d/calls"
keep() { awk "$@" "$d/rules" >"$d/rules.new"; mv "$d/rules.new" "$d/rules"; }
op=$1
shift
case "$op" in
  -S) LC_ALL=C sort "$d/rules" ;;
  -C) : >"$d/rules"; : >"$d/thr" ;;
  -R) grep -v '^[[:space:]]*$' >>"$d/rules" || true ;;
  -A) printf -- '-A %s\\n' "$*" >>"$d/rules" ;;
  -a) printf -- '-a %s\\n' "$*" >>"$d/rules" ;;
  -E) keep -v k="$1 $2" -v l="-A $*" '$1 == "-A" && ($2 " " $3) == k { print l; next } { print }' ;;
  -D) keep -v k="$1 $2" '($2 " " $3) == k { next } { print }' ;;
  -d) keep -v k="$1 $2" -v r="$4" '$1 == "-a" && ($2 " " $3) == k && $5 == r { next } { print }' ;;
  -e) svc="$1 $2"; rs=$4; x=0; y=0; line="-a"
      while [ $# -gt 0 ]; do
        case "$1" in -x) x=$2; shift ;; -y) y=$2; shift ;; *) line="$line $1" ;; esac
        shift
      done
      keep -v k="$svc" -v r="$rs" -v l="$line" '$1 == "-a" && ($2 " " $3) == k && $5 == r { print l; next } { print }'
      grep -v -F -e "$svc $rs " "$d/thr" >"$d/thr.new" || true
      printf '%s %s %s %s\\n' "$svc" "$rs" "$x" "$y" >>"$d/thr.new"; mv "$d/thr.new" "$d/thr" ;;
  -L) echo 'IP Virtual Server version 1.2.1 (size=4096)'
      echo 'Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn'
      echo '  -> RemoteAddress:Port'
      awk 'FILENAME ~ /thr$/ { t[$1 " " $2 " " $3] = $4 " " $5; next }
           $1 == "-A" { printf "%-4s %s %s\\n", ($2 == "-t" ? "TCP" : "UDP"), $3, $5 }
           $1 == "-a" { k = $2 " " $3 " " $5; split((k in t) ? t[k] : "0 0", v, " ")
                        printf "  -> %-28s %-10u %-10u %-10u %-10u\\n", $5, v[1], v[2], 3, 9 }' "$d/thr" "$d/rules" ;;
  *) echo "fake ipvsadm: unsupported $op $*" >&2; exit 2 ;;
esac
`;

beforeAll(() => {
  if (!netnsOk) return;
  work = mkdtempSync(join(tmpdir(), 'lvsd-netns-'));
  // DR real server rs1 of the DR lab: eth0 192.168.163.102/24, the router 192.168.163.1 beyond.
  sh('ip', 'netns', 'add', NS_RS);
  sh('ip', 'link', 'add', `r${tag}a`, 'type', 'veth', 'peer', 'name', `r${tag}b`);
  sh('ip', 'link', 'set', `r${tag}a`, 'netns', NS_RS);
  sh('ip', '-n', NS_RS, 'link', 'set', `r${tag}a`, 'name', 'eth0');
  sh('ip', '-n', NS_RS, 'addr', 'add', '192.168.163.102/24', 'dev', 'eth0');
  sh('ip', '-n', NS_RS, 'link', 'set', 'eth0', 'up');
  sh('ip', '-n', NS_RS, 'link', 'set', 'lo', 'up');
  sh('ip', 'link', 'set', `r${tag}b`, 'up');
  // NAT director of the NAT lab: eth0 (public, the VIP goes here) and eth1 192.168.111.200/24.
  sh('ip', 'netns', 'add', NS_DIR);
  for (const [name, peer] of [
    ['eth0', `d${tag}a`],
    ['eth1', `d${tag}b`],
  ] as const) {
    sh('ip', '-n', NS_DIR, 'link', 'add', name, 'type', 'veth', 'peer', 'name', peer, 'netns', '1');
    sh('ip', 'link', 'set', peer, 'up');
  }
  sh('ip', '-n', NS_DIR, 'addr', 'add', '192.168.111.200/24', 'dev', 'eth1');
  sh('ip', '-n', NS_DIR, 'link', 'set', 'eth0', 'up');
  sh('ip', '-n', NS_DIR, 'link', 'set', 'eth1', 'up');
  sh('ip', '-n', NS_DIR, 'link', 'set', 'lo', 'up');
});

afterAll(() => {
  if (!netnsOk) return;
  spawnSync('ip', ['netns', 'del', NS_RS]);
  spawnSync('ip', ['netns', 'del', NS_DIR]);
  for (const peer of [`r${tag}b`, `d${tag}a`, `d${tag}b`]) spawnSync('ip', ['link', 'del', peer], { stdio: 'ignore' });
  rmSync(work, { recursive: true, force: true });
});

const shells = ['sh', ...(spawnSync('busybox', ['true']).status === 0 ? ['busybox sh'] : [])];

describe.skipIf(!netnsOk)('generated scripts in network namespaces', () => {
  for (const shell of shells) {
    it(`DR real server under ${shell}: apply, verify, re-apply, rollback`, () => {
      const dir = join(work, `rs-${shell.replace(' ', '-')}`);
      writeHost(loadExample('dr-lab'), 'rs1', dir);
      const env = { LVSD_STATE_DIR: join(dir, 'state'), LVSD_BOOT_ROOT: join(dir, 'root') };
      const [cmd, ...pre] = shell.split(' ');
      const go = (s: string) => {
        const r = spawnSync('ip', ['netns', 'exec', NS_RS, cmd!, ...pre, join(dir, s)], { encoding: 'utf8', env: { ...process.env, ...env } });
        return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
      };
      // A previous default route the design replaces, to prove rollback restores it.
      sh('ip', '-n', NS_RS, 'route', 'replace', 'default', 'via', '192.168.163.7');

      const before = go('verify.sh');
      expect(before.code).toBe(1);
      expect(before.out).toContain('DIFF  VIP 172.17.253.100/32 missing on lo');

      const first = go('apply.sh');
      expect(first.code, first.out).toBe(0);
      expect(first.out).toContain('changed: address 172.17.253.100/32 on lo');
      expect(first.out).toContain('changed: boot unit lvs-designer-boot.service installed and enabled (boot/install.sh)');
      expect(first.out).toContain('applied 9 change(s)');
      expect(existsSync(join(dir, 'root/usr/local/sbin/lvs-designer-boot'))).toBe(true);
      // ARP settings are changed before the VIP goes up.
      expect(first.out.indexOf('arp_ignore')).toBeLessThan(first.out.indexOf('address 172.17.253.100/32'));

      const ok = go('verify.sh');
      expect(ok.code, ok.out).toBe(0);
      expect(ok.out).toContain('verify: all 9 checks OK');
      expect(sh('ip', 'netns', 'exec', NS_RS, 'sysctl', '-n', 'net.ipv4.conf.all.arp_ignore').trim()).toBe('1');

      const again = go('apply.sh');
      expect(again.code).toBe(0);
      expect(again.out.trim()).toBe('no change');
      expect(readFileSync(join(dir, 'state/snapshot/routes'), 'utf8')).toContain('default via 192.168.163.7');

      const back = go('rollback.sh');
      expect(back.code, back.out).toBe(0);
      expect(back.out).toContain('rollback complete');
      expect(back.out).toContain('removed lvs-designer-boot.service');
      expect(existsSync(join(dir, 'root/usr/local/sbin/lvs-designer-boot'))).toBe(false);
      expect(sh('ip', '-n', NS_RS, '-o', '-4', 'addr', 'show', 'dev', 'lo')).not.toContain('172.17.253.100');
      expect(sh('ip', '-n', NS_RS, 'route', 'show', 'default')).toContain('via 192.168.163.7');
      expect(sh('ip', 'netns', 'exec', NS_RS, 'sysctl', '-n', 'net.ipv4.conf.all.arp_ignore').trim()).toBe('0');
      expect(go('verify.sh').code).toBe(1);
      expect(go('rollback.sh').out.trim()).toMatch(/^nothing to roll back \(no snapshot for deploy manual\)$/);
    });
  }

  it('applying a changed design takes back what the old one added and the new one dropped', () => {
    const a = loadExample('dr-lab');
    // Version B: another VIP, no default gateway, no ARP settings on lo.
    const b: Topology = {
      ...a,
      services: a.services.map((s) => ({ ...s, vip: '172.17.253.111' })),
      hosts: a.hosts.map((h) => {
        if (h.id !== 'rs1') return h;
        const { gateway: _gateway, ...rest } = h;
        return {
          ...rest,
          interfaces: h.interfaces.map((f) => {
            if (f.name !== 'lo') return f;
            const { sysctl: _sysctl, ...plain } = f;
            return { ...plain, addresses: ['172.17.253.111/32'] };
          }),
        };
      }),
    };
    const dirA = join(work, 'rs-version-a');
    const dirB = join(work, 'rs-version-b');
    writeHost(a, 'rs1', dirA);
    writeHost(b, 'rs1', dirB);
    const env = { LVSD_STATE_DIR: join(work, 'rs-version-state'), LVSD_BOOT_ROOT: join(work, 'rs-version-root') };
    sh('ip', '-n', NS_RS, 'route', 'replace', 'default', 'via', '192.168.163.7');

    expect(run(NS_RS, 'sh', join(dirA, 'apply.sh'), env).code).toBe(0);
    expect(run(NS_RS, 'sh', join(dirA, 'verify.sh'), env).code).toBe(0);

    const toB = run(NS_RS, 'sh', join(dirB, 'apply.sh'), env);
    expect(toB.code, toB.out).toBe(0);
    expect(toB.out).toContain('changed: address 172.17.253.100/32 removed from lo (no longer in the design)');
    expect(toB.out).toContain('changed: route default back to default via 192.168.163.7 dev eth0 (no longer in the design)');
    expect(toB.out).toContain('changed: sysctl net.ipv4.conf.lo.arp_ignore=0 (was 1)');
    expect(toB.out).toContain('changed: address 172.17.253.111/32 on lo');
    const verifyB = run(NS_RS, 'sh', join(dirB, 'verify.sh'), env);
    expect(verifyB.code, verifyB.out).toBe(0);
    expect(sh('ip', '-n', NS_RS, '-o', '-4', 'addr', 'show', 'dev', 'lo')).not.toContain('172.17.253.100');
    expect(run(NS_RS, 'sh', join(dirB, 'apply.sh'), env).out.trim()).toBe('no change');

    // Rollback (of either version: it reads only the snapshot) restores the state before version A.
    const back = run(NS_RS, 'sh', join(dirB, 'rollback.sh'), env);
    expect(back.code, back.out).toBe(0);
    expect(sh('ip', '-n', NS_RS, '-o', '-4', 'addr', 'show', 'dev', 'lo')).not.toMatch(/172\.17\.253\.1(00|11)/);
    expect(sh('ip', '-n', NS_RS, 'route', 'show', 'default')).toContain('via 192.168.163.7');
    expect(sh('ip', 'netns', 'exec', NS_RS, 'sysctl', '-n', 'net.ipv4.conf.all.arp_ignore').trim()).toBe('0');
  });

  it('an apply that fails half-way says so, and rollback undoes what it did', () => {
    const t = clone(loadExample('dr-lab'));
    // An interface the namespace does not have: its sysctl fails after the `all` settings changed.
    (t.hosts.find((h) => h.id === 'rs1')!.interfaces as Topology['hosts'][number]['interfaces'][number][]).push({
      id: interfaceId('rs1-eth9'),
      name: 'eth9',
      kind: 'ethernet',
      segment: null,
      addresses: [],
      sysctl: { arpIgnore: 1 },
    });
    const dir = join(work, 'rs-fail');
    writeHost(t, 'rs1', dir);
    const env = { LVSD_STATE_DIR: join(dir, 'state'), LVSD_BOOT_ROOT: join(dir, 'root') };
    const r = run(NS_RS, 'sh', join(dir, 'apply.sh'), env);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/apply\.sh: stopped by an error after [1-9]\d* change\(s\); rollback\.sh restores the saved state/);
    expect(sh('ip', 'netns', 'exec', NS_RS, 'sysctl', '-n', 'net.ipv4.conf.all.arp_ignore').trim()).toBe('1');
    const back = run(NS_RS, 'sh', join(dir, 'rollback.sh'), env);
    expect(back.code, back.out).toBe(0);
    expect(sh('ip', 'netns', 'exec', NS_RS, 'sysctl', '-n', 'net.ipv4.conf.all.arp_ignore').trim()).toBe('0');
    const missing = run(NS_RS, 'sh', join(dir, 'verify.sh'), { ...env, LVSD_SYSCTL: '/nonexistent/sysctl' });
    expect(missing.code).toBe(2);
    expect(missing.out).toContain('verify.sh: command not found: /nonexistent/sysctl (install it or set LVSD_SYSCTL)');
  });

  it('NAT director with thresholds: apply, verify, re-apply, drift detected, rollback', () => {
    const t = clone(loadExample('nat-lab')) as { services: { realServers: { upperThreshold?: number; lowerThreshold?: number }[] }[] } & Topology;
    t.services[0]!.realServers[0]!.upperThreshold = 100;
    t.services[0]!.realServers[0]!.lowerThreshold = 50;
    const dir = join(work, 'director');
    writeHost(t, 'director', dir);
    const fake = join(dir, 'fake-ipvsadm');
    writeFileSync(fake, FAKE_IPVSADM, { mode: 0o755 });
    const ipvs = join(dir, 'ipvs');
    mkdirSync(ipvs);
    writeFileSync(join(ipvs, 'rules'), '-A -t 10.9.9.9:22 -s rr\n');
    const env = { LVSD_STATE_DIR: join(dir, 'state'), LVSD_BOOT_ROOT: join(dir, 'root'), LVSD_IPVSADM: fake, LVSD_MODPROBE: 'true', FAKE_IPVS_DIR: ipvs };

    const first = run(NS_DIR, 'sh', join(dir, 'apply.sh'), env);
    expect(first.code, first.out).toBe(0);
    expect(first.out).toContain('changed: sysctl net.ipv4.ip_forward=1 (was 0)');
    expect(first.out).toContain('changed: address 172.16.111.123/24 on eth0');
    // The table held another service: it is edited in place (that service deleted, ours added).
    expect(first.out).toContain('changed: ipvsadm -D -t 10.9.9.9:22');
    expect(first.out).toContain('changed: ipvsadm -A -t 172.16.111.123:80 -s wrr');
    expect(first.out).toContain('changed: ipvsadm -a -t 172.16.111.123:80 -r 192.168.111.101:80 -m -w 1');
    expect(first.out).toContain('changed: real server thresholds (-x/-y)');
    expect(readFileSync(join(ipvs, 'thr'), 'utf8')).toContain('-t 172.16.111.123:80 192.168.111.101:80 100 50');

    const ok = run(NS_DIR, 'sh', join(dir, 'verify.sh'), env);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toContain('OK    IPVS table (1 services, 2 real servers)');
    expect(ok.out).toContain('OK    real server thresholds (-x/-y)');
    expect(run(NS_DIR, 'sh', join(dir, 'apply.sh'), env).out.trim()).toBe('no change');

    // Someone changes a weight by hand: verify names the line, apply puts it back.
    const rules = readFileSync(join(ipvs, 'rules'), 'utf8');
    writeFileSync(join(ipvs, 'rules'), rules.replace('192.168.111.102:80 -m -w 1', '192.168.111.102:80 -m -w 5'));
    const drift = run(NS_DIR, 'sh', join(dir, 'verify.sh'), env);
    expect(drift.code).toBe(1);
    expect(drift.out).toContain('DIFF  IPVS missing: -a -t 172.16.111.123:80 -r 192.168.111.102:80 -m -w 1');
    expect(drift.out).toContain('DIFF  IPVS extra:   -a -t 172.16.111.123:80 -r 192.168.111.102:80 -m -w 5');
    const fix = run(NS_DIR, 'sh', join(dir, 'apply.sh'), env);
    expect(fix.out).toContain('changed: ipvsadm -e -t 172.16.111.123:80 -r 192.168.111.102:80 -m -w 1');
    expect(fix.out).not.toContain('replaced as a whole');
    expect(run(NS_DIR, 'sh', join(dir, 'verify.sh'), env).code).toBe(0);

    // A new version of the design: another scheduler, one server gone, one new, a weight changed.
    const v2 = clone(t) as Topology;
    const svc = v2.services[0]!;
    const changedDesign: Topology = {
      ...v2,
      services: [
        {
          ...svc,
          scheduler: 'rr',
          realServers: [
            { ...svc.realServers[0]!, weight: 3 },
            { ...svc.realServers[1]!, id: realServerId('web-rs3'), rip: '192.168.111.103' },
          ],
        },
      ],
    };
    const dir2 = join(work, 'director-v2');
    writeHost(changedDesign, 'director', dir2);
    const v2apply = run(NS_DIR, 'sh', join(dir2, 'apply.sh'), env);
    expect(v2apply.code, v2apply.out).toBe(0);
    for (const edit of [
      'ipvsadm -d -t 172.16.111.123:80 -r 192.168.111.102:80',
      'ipvsadm -E -t 172.16.111.123:80 -s rr',
      'ipvsadm -e -t 172.16.111.123:80 -r 192.168.111.101:80 -m -w 3',
      'ipvsadm -a -t 172.16.111.123:80 -r 192.168.111.103:80 -m -w 1',
    ]) {
      expect(v2apply.out).toContain(`changed: ${edit}`);
    }
    expect(v2apply.out).not.toContain('replaced as a whole');
    expect(v2apply.out).not.toContain('-C');
    const v2verify = run(NS_DIR, 'sh', join(dir2, 'verify.sh'), env);
    expect(v2verify.code, v2verify.out).toBe(0);
    expect(run(NS_DIR, 'sh', join(dir2, 'apply.sh'), env).out.trim()).toBe('no change');
    expect(readFileSync(join(ipvs, 'calls'), 'utf8')).not.toMatch(/^-C/m);

    const back = run(NS_DIR, 'sh', join(dir, 'rollback.sh'), env);
    expect(back.code, back.out).toBe(0);
    expect(readFileSync(join(ipvs, 'rules'), 'utf8').trim()).toBe('-A -t 10.9.9.9:22 -s rr');
    expect(sh('ip', 'netns', 'exec', NS_DIR, 'sysctl', '-n', 'net.ipv4.ip_forward').trim()).toBe('0');
    expect(sh('ip', '-n', NS_DIR, '-o', '-4', 'addr', 'show', 'dev', 'eth0')).not.toContain('172.16.111.123');
    expect(sh('ip', '-n', NS_DIR, '-o', '-4', 'addr', 'show', 'dev', 'eth1')).toContain('192.168.111.200/24');
  });
});
