/**
 * A design file is untrusted: hostile names, addresses, paths and descriptions must never become
 * commands. Values that reach a command are rejected with an error naming the field; free text that
 * only reaches comments is flattened to one printable line.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderAll, renderHost, renderIpvsadmRules, renderKeepalived } from '../../../shared/generators/index.ts';
import type { Topology } from '../../../shared/model/types.ts';
import { clone, loadExample } from './helpers.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends string ? T[K] : T[K] extends object ? Mutable<T[K]> : T[K] };
const HOSTILE = ['eth0; rm -rf /', '$(reboot)', '`reboot`', 'eth0\nreboot', "eth0'x", 'eth0"x', '../etc', '.', '..', 'a b', ''];

function expectError(t: Topology, hostId: string, fieldFragment: string): void {
  const r = renderHost(t, hostId);
  expect(r.ok, `expected an error mentioning ${fieldFragment}`).toBe(false);
  if (!r.ok) expect(r.error).toContain(fieldFragment);
}

function shellSyntaxOk(content: string): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'lvsd-safety-'));
  try {
    writeFileSync(join(dir, 's.sh'), content);
    execFileSync('sh', ['-n', join(dir, 's.sh')], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('hostile values are refused with the field named', () => {
  const base = loadExample('dr-lab');

  for (const bad of HOSTILE) {
    it(`interface name ${JSON.stringify(bad)}`, () => {
      const t = clone(base) as Mutable<Topology>;
      t.hosts.find((h) => h.id === 'rs1')!.interfaces[1]!.name = bad;
      expectError(t, 'rs1', 'interfaces[1] (rs1-eth0).name');
    });
  }

  for (const bad of [
    '192.168.163.102/24; reboot',
    '$(reboot)/24',
    '1172.17.253.100/32',
    '192.168.163.2000/24',
    '192.168.163.102',
    '192.168.163.102/33',
    '0x7f.0.0.1/8',
    '192.168.163.102/24\nreboot',
  ]) {
    it(`interface address ${JSON.stringify(bad)}`, () => {
      const t = clone(base) as Mutable<Topology>;
      t.hosts.find((h) => h.id === 'rs1')!.interfaces[1]!.addresses[0] = bad;
      expectError(t, 'rs1', 'interfaces[1] (rs1-eth0).addresses[0]');
    });
  }

  it('gateway with a command', () => {
    const t = clone(base) as Mutable<Topology>;
    t.hosts.find((h) => h.id === 'rs1')!.gateway = '192.168.163.1 && reboot';
    expectError(t, 'rs1', 'hosts[3] (rs1).gateway');
  });

  it('route destination, next hop and device', () => {
    for (const [route, field] of [
      [{ destination: '10.0.0.0/8;reboot', via: '10.0.0.1' }, 'routes[0].destination'],
      [{ destination: '10.0.0.0/8', via: '`reboot`' }, 'routes[0].via'],
      [{ destination: '10.0.0.0/8', dev: 'eth0 $(reboot)' }, 'routes[0].dev'],
      [{ destination: '10.0.0.1/8', via: '10.0.0.1' }, 'host bits'],
      [{ destination: '10.0.0.0/8' }, 'needs a next hop'],
    ] as const) {
      const t = clone(base) as Mutable<Topology>;
      (t.hosts.find((h) => h.id === 'rs1') as { routes?: unknown }).routes = [route];
      expectError(t, 'rs1', field);
    }
  });

  it('sysctl values that are not small integers', () => {
    const t = clone(base) as Mutable<Topology>;
    (t.hosts.find((h) => h.id === 'rs1')!.sysctl as Record<string, unknown>).arpIgnore = '1; reboot';
    expectError(t, 'rs1', 'sysctl.arpIgnore');
  });

  it('service VIP, port, scheduler, weight and RIP on the director', () => {
    const cases: [(t: Mutable<Topology>) => void, string][] = [
      [(t) => void (t.services[0]!.vip = '172.17.253.100 -s rr'), 'services[0] (web).vip'],
      [(t) => void (t.services[0]!.port = 70000), 'services[0] (web).port'],
      [(t) => void ((t.services[0] as { scheduler: string }).scheduler = 'wrr; reboot'), 'services[0] (web).scheduler'],
      [(t) => void (t.services[0]!.realServers[0]!.weight = -1), 'realServers[0] (web-rs1).weight'],
      [(t) => void (t.services[0]!.realServers[1]!.rip = '$(reboot)'), 'realServers[1] (web-rs2).rip'],
      [(t) => void (t.services[0]!.persistence = { timeout: 300, netmask: '255.0.255.0' }), 'persistence.netmask'],
    ];
    for (const [mutate, field] of cases) {
      const t = clone(base) as Mutable<Topology>;
      mutate(t);
      expectError(t, 'director', field);
      expect(() => renderIpvsadmRules(t, 'director')).toThrow(field);
    }
  });

  for (const bad of ['/ "x"', '/a b', '/a}\nreal_server 6.6.6.6 80 {', '/#comment', '/!x', "/a'b", 'relative', '/$(reboot)']) {
    it(`health-check path ${JSON.stringify(bad)}`, () => {
      const t = clone(base) as Mutable<Topology>;
      t.services[0]!.healthCheck = { kind: 'http', path: bad };
      expectError(t, 'director', 'services[0] (web).healthCheck.path');
      expect(() => renderKeepalived(t, 'director')).toThrow('healthCheck.path');
    });
  }

  it('an IPIP interface other than tunl0', () => {
    const t = clone(loadExample('tun-lab')) as Mutable<Topology>;
    t.hosts.find((h) => h.id === 'rs1')!.interfaces[1]!.name = 'tunl1';
    expectError(t, 'rs1', 'interfaces[1] (rs1-tunl0).name: an IPIP interface must be tunl0');
  });

  it('renderAll names the failing host', () => {
    const t = clone(base) as Mutable<Topology>;
    t.hosts.find((h) => h.id === 'rs2')!.interfaces[1]!.name = 'x;y';
    const r = renderAll(t);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^host rs2: /);
  });

  it('an unknown host is an error, not an exception', () => {
    expectError(base, 'nope', 'host "nope" is not in the design');
  });
});

describe('free text only reaches comments, flattened to one line', () => {
  it('names and descriptions with newlines, quotes and substitutions stay inert', () => {
    const t = clone(loadExample('dr-lab')) as Mutable<Topology>;
    const evil = 'x\n reboot\r\n$(reboot) `reboot` \'q\' "d" \u2028 # ; rm -rf /';
    t.name = evil;
    t.description = evil;
    for (const h of t.hosts) h.name = evil;
    t.services[0]!.name = evil;
    const all = renderAll(t);
    if (!all.ok) throw new Error(all.error);
    for (const files of Object.values(all.value)) {
      for (const f of files) {
        for (const line of f.content.split('\n')) {
          // The only lines that mention the hostile text are comments.
          if (line.includes('reboot')) expect(line.trimStart().startsWith('#'), `${f.path}: ${line}`).toBe(true);
        }
        expect(f.content).not.toMatch(/[\r\u2028]/);
        if (f.path.endsWith('.sh')) expect(shellSyntaxOk(f.content), f.path).toBe(true);
      }
    }
  });
});
