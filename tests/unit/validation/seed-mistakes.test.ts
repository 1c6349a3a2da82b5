/**
 * The seed article's own mistakes, replayed as designs: each must be caught by the rule a student
 * would need to read.
 */
import { describe, expect, it } from 'vitest';
import { validate } from '../../../shared/validation/index.ts';
import type { Draft } from './builders.ts';
import { drLab, drOneLan, edit, host, natLab, realServer, service } from './builders.ts';
import { interfaceId, segmentId } from '../../../shared/model/ids.ts';

const rules = (t: Parameters<typeof validate>[0]) => validate(t).map((p) => `${p.severity} ${p.rule}`);

describe('mistakes from the seed article', () => {
  it('NAT: "Configure Gateway on real server to point to 192.168.111.2000"', () => {
    const t = edit(natLab(), (d) => {
      host(d, 'rs1').gateway = '192.168.111.2000';
      host(d, 'rs2').gateway = '192.168.111.2000';
    });
    const ps = validate(t);
    expect(ps.filter((p) => p.rule === 'addr/malformed')).toHaveLength(2);
    // A malformed gateway means no gateway, so the NAT reply path is broken too.
    expect(ps.filter((p) => p.rule === 'nat/reply-not-via-director').map((p) => p.fix)).toEqual([
      "Set rs1's gateway to 192.168.111.200.",
      "Set rs2's gateway to 192.168.111.200.",
    ]);
  });

  it('DR: "ipvsadm -a -t 1172.17.253.100:80 ..." (malformed VIP)', () => {
    const t = edit(drLab(), (d) => {
      service(d, 'web').vip = '1172.17.253.100';
    });
    const [p] = validate(t).filter((x) => x.rule === 'addr/malformed');
    expect(p).toMatchObject({ severity: 'error', refs: ['web'] });
    expect(p!.message).toContain('1172 is larger than 255');
  });

  it('DR: real servers added with -m (NAT) in the DR design, gateway pointing at the DIP, no ip_forward', () => {
    const t = edit(drLab(), (d) => {
      realServer(d, 'web', 'rs1').method = 'nat';
      realServer(d, 'web', 'rs2').method = 'nat';
      host(d, 'rs1').gateway = '192.168.163.101';
      host(d, 'rs2').gateway = '192.168.163.101';
    });
    const found = rules(t);
    expect(found).toContain('error nat/ip-forward-off');
    expect(found).not.toContain('error nat/reply-not-via-director');
  });

  it('DR: NAT real servers whose gateway is the router are caught by the NAT reply rule', () => {
    const t = edit(drLab(), (d) => {
      realServer(d, 'web', 'rs2').method = 'nat';
      host(d, 'director').sysctl = { ipForward: true };
    });
    const found = rules(t);
    expect(found).toContain('error nat/reply-not-via-director');
    expect(found).toContain('warning general/mixed-methods');
  });

  it('DR: "Gateway points to dip" — replies through the director', () => {
    const t = edit(drLab(), (d) => {
      host(d, 'rs1').gateway = '192.168.163.101';
    });
    expect(rules(t)).toEqual(['error dr/reply-via-director', 'warning addr/gateway-unreachable']);
  });

  it("DR: ARP settings only on lo (the article's first echo lines) are not enough", () => {
    const onlyLo = (d: Draft) => {
      host(d, 'rs1').sysctl = {};
      host(d, 'rs1').interfaces[0] = { ...host(d, 'rs1').interfaces[0]!, sysctl: { arpIgnore: 1, arpAnnounce: 2 } };
    };
    // In the article's two-network lab nobody ARPs for the VIP on the real servers' network: a warning.
    expect(rules(edit(drLab(), onlyLo))).toEqual(['warning dr/arp-not-configured']);
    // With everything on one LAN the router ARPs for the VIP where rs1 answers: an error.
    expect(rules(edit(drOneLan(), onlyLo))).toEqual(['error dr/arp-not-configured']);
  });

  it('"Three, LVS load balanced Dr operation mode" with real servers behind a router is really TUN', () => {
    const t = edit(drLab(), (d) => {
      d.segments.push({ id: segmentId('dc2'), name: 'dc2', cidr: '10.20.0.0/24' });
      host(d, 'router').interfaces.push({
        id: interfaceId('router-eth2'),
        name: 'eth2',
        kind: 'ethernet',
        segment: segmentId('dc2'),
        addresses: ['10.20.0.1/24'],
      });
      const rs1 = host(d, 'rs1');
      rs1.interfaces[1] = { ...rs1.interfaces[1]!, segment: segmentId('dc2'), addresses: ['10.20.0.11/24'] };
      rs1.gateway = '10.20.0.1';
      realServer(d, 'web', 'rs1').rip = '10.20.0.11';
    });
    expect(rules(t)).toContain('error dr/same-segment');
  });
});
