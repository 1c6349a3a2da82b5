import { describe, expect, it } from 'vitest';
import {
  effectiveSysctl,
  forwards,
  hostAddresses,
  hostById,
  interfaceWithAddress,
  onLinkInterface,
  segmentById,
  segmentsOf,
  servicesOf,
} from '../../../shared/model/topology.ts';
import { drLab, natLab } from '../validation/builders.ts';
import { hostId, segmentId } from '../../../shared/model/ids.ts';

describe('topology helpers', () => {
  const nat = natLab();
  const dr = drLab();
  const director = hostById(nat, hostId('director'))!;
  const rs1 = hostById(dr, hostId('rs1'))!;

  it('looks up hosts, segments and services', () => {
    expect(director.name).toBe('director');
    expect(hostById(nat, hostId('nobody'))).toBeUndefined();
    expect(segmentById(nat, segmentId('lan'))?.cidr).toBe('192.168.111.0/24');
    expect(servicesOf(nat, hostId('director')).map((s) => s.id)).toEqual(['web']);
    expect(servicesOf(nat, hostId('rs1'))).toEqual([]);
  });

  it('lists addresses without prefix, and finds the interface carrying one', () => {
    expect(hostAddresses(director)).toEqual(['172.16.111.123', '192.168.111.200']);
    expect(hostAddresses(rs1)).toEqual(['172.17.253.100', '192.168.163.102']);
    expect(interfaceWithAddress(rs1, '172.17.253.100')?.name).toBe('lo');
    expect(interfaceWithAddress(rs1, '10.0.0.1')).toBeUndefined();
  });

  it('finds the on-link ethernet interface, never lo', () => {
    expect(onLinkInterface(director, '192.168.111.55')?.name).toBe('eth1');
    expect(onLinkInterface(director, '172.16.111.1')?.name).toBe('eth0');
    expect(onLinkInterface(director, '10.1.1.1')).toBeUndefined();
    expect(onLinkInterface(rs1, '172.17.253.5')).toBeUndefined();
    expect(onLinkInterface(director, 'not an address')).toBeUndefined();
  });

  it('computes effective sysctls as max(all, interface), unset = 0', () => {
    const lo = rs1.interfaces[0]!;
    expect(effectiveSysctl(rs1, lo, 'arpIgnore')).toBe(1);
    expect(effectiveSysctl(rs1, lo, 'arpAnnounce')).toBe(2);
    expect(effectiveSysctl(rs1, lo, 'rpFilter')).toBe(0);
    const host = { ...rs1, sysctl: { arpIgnore: 0 } };
    const iface = { ...lo, sysctl: { arpIgnore: 2 } };
    expect(effectiveSysctl(host, iface, 'arpIgnore')).toBe(2);
    expect(effectiveSysctl({ ...rs1, sysctl: { rpFilter: 1 } }, { ...lo, sysctl: { rpFilter: 0 } }, 'rpFilter')).toBe(1);
  });

  it('knows which hosts forward and which segments a host is on', () => {
    expect(forwards(director)).toBe(true);
    expect(forwards(rs1)).toBe(false);
    expect(segmentsOf(director)).toEqual(['public', 'lan']);
    expect(segmentsOf(rs1)).toEqual(['lan']);
  });
});
