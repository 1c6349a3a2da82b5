import { describe, expect, it } from 'vitest';
import { parseCidr, parseIPv4 } from '../../../shared/addressing/ipv4.ts';
import { buildContext, parseCidrFast, parseIPv4Fast } from '../../../shared/validation/context.ts';
import { drLab, natLab } from './builders.ts';

const SAMPLES = [
  '192.168.111.200',
  '0.0.0.0',
  '255.255.255.255',
  '256.0.0.1',
  '1172.17.253.100',
  '192.168.111.2000',
  '01.2.3.4',
  '1.02.3.4',
  '1.2.3',
  '1.2.3.4.5',
  '1..3.4',
  '.1.2.3',
  '1.2.3.',
  'a.b.c.d',
  ' 1.2.3.4',
  '1.2.3.4 ',
  '',
  '10.0.0.0',
  '0.10.100.1',
  '00.1.1.1',
  '1.2.3.4/24',
  '1.2.3.4/0',
  '1.2.3.4/32',
  '1.2.3.4/33',
  '1.2.3.4/',
  '1.2.3.4/024',
  '1.2.3.4/05',
  '1.2.3.4/x',
  '1.2.3.4//24',
  '/24',
  '999.1.1.1/8',
  '10.1.1.1/8/8',
  '1.2.3.4/+4',
  '1.2.3.4/-1',
];

describe('fast address parsing in the index', () => {
  it('agrees with shared/addressing on a table of good and bad inputs', () => {
    for (const s of SAMPLES) {
      expect(parseIPv4Fast(s), s).toBe(parseIPv4(s));
      expect(parseCidrFast(s), s).toEqual(parseCidr(s));
    }
  });
  it('agrees on random strings over the address alphabet', () => {
    let seed = 42;
    const next = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) / 16777216;
    const alphabet = '0123456789../';
    for (let i = 0; i < 20000; i++) {
      const len = 7 + Math.floor(next() * 12);
      let s = '';
      for (let j = 0; j < len; j++) s += alphabet[Math.floor(next() * alphabet.length)];
      expect(parseIPv4Fast(s), s).toBe(parseIPv4(s));
      expect(parseCidrFast(s), s).toEqual(parseCidr(s));
    }
  });
});

describe('buildContext', () => {
  it('indexes owners per segment and resolves next hops by longest prefix', () => {
    const ctx = buildContext(natLab());
    const lan = ctx.segmentById.get('lan')!;
    expect(lan.owners.get(parseIPv4('192.168.111.200')!)!.map((f) => f.iface.id)).toEqual(['director-eth1']);
    const rs1 = ctx.hostById.get('rs1')!;
    expect(ctx.nextHop(rs1, parseIPv4('172.16.111.13')!)).toEqual({ via: parseIPv4('192.168.111.200'), source: 'gateway' });
    expect(ctx.nextHop(rs1, parseIPv4('192.168.111.102')!)).toEqual({ via: null, source: 'connected' });
    expect(ctx.realServersByHost.get('rs1')!.map((r) => r.rs.id)).toEqual(['web-rs1']);
  });
  it('does not count a lo VIP as on-link', () => {
    const ctx = buildContext(drLab());
    const rs1 = ctx.hostById.get('rs1')!;
    expect(ctx.onLinkIface(rs1, parseIPv4('172.17.253.100')!)).toBeUndefined();
    expect(rs1.addresses.has(parseIPv4('172.17.253.100')!)).toBe(true);
  });
  it('indexes the owners of next-hop addresses only: every gateway and route via, not the VIP', () => {
    const ctx = buildContext(drLab());
    expect(ctx.hopOwners.get(parseIPv4('192.168.163.1')!)!.map((f) => f.iface.id)).toEqual(['router-eth1']);
    expect(ctx.hopOwners.get(parseIPv4('172.17.253.1')!)!.map((f) => f.iface.id)).toEqual(['router-eth0']);
    expect(ctx.hopOwners.has(parseIPv4('172.17.253.100')!)).toBe(false);
    expect([...ctx.hopOwners.keys()].length).toBe(2);
    expect(ctx.hopOwners).toBe(ctx.hopOwners);
  });
});
