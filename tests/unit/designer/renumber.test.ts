// Changing a segment's CIDR renumbers its hosts (addresses, gateways, VIP, RIPs) in one edit.
import { describe, expect, it } from 'vitest';
import { renumberSegment } from '../../../shared/model/commands.ts';
import { validate } from '../../../shared/validation/index.ts';
import { loadExample } from '../generators/helpers.ts';
import { segmentId } from '../../../shared/model/ids.ts';

const loud = (t: Parameters<typeof validate>[0]) =>
  validate(t)
    .filter((p) => p.severity !== 'info')
    .map((p) => p.rule);

describe('renumberSegment', () => {
  it('the DR lab’s real-server network to 10.0.5.0/24: still checked clean', () => {
    const { topology: t, changed } = renumberSegment(loadExample('dr-lab'), segmentId('lan'), '10.0.5.0/24');
    expect(changed).toBeGreaterThanOrEqual(7);
    const rs1 = t.hosts.find((h) => h.id === 'rs1')!;
    expect(rs1.interfaces.find((f) => f.name === 'eth0')!.addresses).toEqual(['10.0.5.102/24']);
    expect(rs1.gateway).toBe('10.0.5.1');
    expect(t.services[0]!.realServers.map((r) => r.rip)).toEqual(['10.0.5.102', '10.0.5.103']);
    expect(t.segments.find((s) => s.id === 'lan')!.cidr).toBe('10.0.5.0/24');
    expect(loud(t)).toEqual([]);
  });
  it('the client network moves the VIP everywhere, the /32 on lo included', () => {
    const { topology: t } = renumberSegment(loadExample('dr-lab'), segmentId('public'), '172.17.254.0/24');
    expect(t.services[0]!.vip).toBe('172.17.254.100');
    expect(t.hosts.find((h) => h.id === 'rs2')!.interfaces.find((f) => f.name === 'lo')!.addresses).toEqual(['172.17.254.100/32']);
    expect(loud(t)).toEqual([]);
  });
  it('a host number that does not fit the new prefix is left for the checker; a malformed CIDR renumbers nothing', () => {
    const a = renumberSegment(loadExample('nat-lab'), segmentId('lan'), '10.1.1.0/25');
    // 192.168.111.200 has host number 200, which a /25 cannot hold.
    expect(a.topology.hosts.find((h) => h.id === 'director')!.interfaces.find((f) => f.name === 'eth1')!.addresses).toEqual(['192.168.111.200/24']);
    expect(a.topology.hosts.find((h) => h.id === 'rs1')!.interfaces.find((f) => f.name === 'eth0')!.addresses).toEqual(['10.1.1.101/25']);
    const b = renumberSegment(loadExample('nat-lab'), segmentId('lan'), '10.1.1.0/33');
    expect(b.changed).toBe(0);
    expect(b.topology.segments.find((s) => s.id === 'lan')!.cidr).toBe('10.1.1.0/33');
  });
});
