import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Topology } from '../../../shared/model/types.ts';
import { addRoute, removeRoute, setInterfaceSysctl, updateRoute } from '../../../shared/model/commands.ts';
import { parseDesignFile } from '../../../shared/model/file.ts';
import { validate } from '../../../shared/validation/index.ts';
import { hostId } from '../../../shared/model/ids.ts';

const load = (name: string): Topology => {
  const r = parseDesignFile(readFileSync(`examples/${name}.lvs.json`, 'utf8'));
  if (!r.ok) throw new Error(r.error.message);
  return r.value.topology;
};
const host = (t: Topology, id: string) => t.hosts.find((h) => h.id === id)!;
const iface = (t: Topology, h: string, f: string) => host(t, h).interfaces.find((x) => x.id === f)!;
const ruleIds = (t: Topology): string[] => validate(t).map((f) => f.rule);

describe('inspector commands', () => {
  it('sets and unsets one per-interface sysctl, dropping the object when empty', () => {
    const t0 = load('dr-lab');
    const t1 = setInterfaceSysctl(t0, hostId('rs1'), 'rs1-lo', 'arpIgnore', undefined);
    expect(iface(t1, 'rs1', 'rs1-lo').sysctl).toEqual({ arpAnnounce: 2 });
    expect(iface(t0, 'rs1', 'rs1-lo').sysctl).toEqual({ arpIgnore: 1, arpAnnounce: 2 });
    const t2 = setInterfaceSysctl(t1, hostId('rs1'), 'rs1-lo', 'arpAnnounce', undefined);
    expect('sysctl' in iface(t2, 'rs1', 'rs1-lo')).toBe(false);
    const t3 = setInterfaceSysctl(t2, hostId('rs1'), 'rs1-lo', 'rpFilter', 2);
    expect(iface(t3, 'rs1', 'rs1-lo').sysctl).toEqual({ rpFilter: 2 });
    // Untouched hosts keep their identity (structural sharing).
    expect(host(t3, 'rs2')).toBe(host(t0, 'rs2'));
  });

  it('breaking the DR ARP settings on the segment interface and the host is reported', () => {
    const t0 = load('dr-lab');
    expect(ruleIds(t0)).not.toContain('dr/arp-not-configured');
    let t = setInterfaceSysctl(t0, hostId('rs1'), 'rs1-eth0', 'arpIgnore', undefined);
    // The kernel uses max(all, interface): the host-wide value still suppresses ARP.
    expect(ruleIds(t)).not.toContain('dr/arp-not-configured');
    t = { ...t, hosts: t.hosts.map((h) => (h.id === 'rs1' ? { ...h, sysctl: { arpAnnounce: 2 } } : h)) };
    expect(ruleIds(t)).toContain('dr/arp-not-configured');
    t = setInterfaceSysctl(t, hostId('rs1'), 'rs1-eth0', 'arpIgnore', 1);
    expect(ruleIds(t)).not.toContain('dr/arp-not-configured');
  });

  it('adds, edits and removes static routes; a malformed destination is stored and reported', () => {
    const t0 = load('nat-lab');
    const t1 = addRoute(t0, hostId('rs1'));
    expect(host(t1, 'rs1').routes).toEqual([{ destination: '' }]);
    const t2 = updateRoute(t1, hostId('rs1'), 0, { destination: '10.0.0.0/33', via: '192.168.111.1', dev: 'eth0' });
    expect(host(t2, 'rs1').routes).toEqual([{ destination: '10.0.0.0/33', via: '192.168.111.1', dev: 'eth0' }]);
    expect(ruleIds(t2)).toContain('addr/malformed');
    const t3 = updateRoute(t2, hostId('rs1'), 0, { destination: '10.0.0.0/8', via: '', dev: undefined });
    expect(host(t3, 'rs1').routes).toEqual([{ destination: '10.0.0.0/8' }]);
    expect(updateRoute(t3, hostId('rs1'), 5, { destination: 'x' })).toEqual(t3);
    const t4 = addRoute(t3, hostId('rs1'), { destination: '0.0.0.0/0', via: '192.168.111.200' });
    expect(host(removeRoute(t4, hostId('rs1'), 0), 'rs1').routes).toEqual([{ destination: '0.0.0.0/0', via: '192.168.111.200' }]);
    expect('routes' in host(removeRoute(t3, hostId('rs1'), 0), 'rs1')).toBe(false);
    expect(removeRoute(t3, hostId('rs1'), 3)).toEqual(t3);
  });
});
