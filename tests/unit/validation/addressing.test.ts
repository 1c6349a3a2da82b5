import { describe, expect, it } from 'vitest';
import { validate } from '../../../shared/validation/index.ts';
import { drLab, drOneLan, edit, eth, host, iface, natLab, problemsOf, realServer, service, tunLab } from './builders.ts';
import { hostId, realServerId, segmentId, serviceId } from '../../../shared/model/ids.ts';
import { simulate } from '../../../shared/simulator/index.ts';

describe('the builder labs', () => {
  it('are clean: no problem of any severity', () => {
    expect(validate(natLab())).toEqual([]);
    expect(validate(drLab())).toEqual([]);
    expect(validate(tunLab())).toEqual([]);
    expect(validate(drOneLan())).toEqual([]);
  });
});

describe('addr/malformed', () => {
  it('names the bad gateway and explains the octet', () => {
    const t = edit(natLab(), (d) => {
      host(d, 'rs1').gateway = '192.168.111.2000';
    });
    const [p, ...rest] = problemsOf(t, 'addr/malformed');
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ severity: 'error', refs: ['rs1'] });
    expect(p!.message).toContain('"192.168.111.2000"');
    expect(p!.message).toContain('2000 is larger than 255');
  });

  it('reports a malformed VIP, RIP, interface address, route, segment CIDR, MAC and netmask', () => {
    const t = edit(natLab(), (d) => {
      service(d, 'web').vip = '1172.17.253.100';
      realServer(d, 'web', 'rs2').rip = '192.168.111';
      iface(d, 'rs1', 'eth0').addresses = ['192.168.111.101/33'];
      iface(d, 'rs1', 'eth0').mac = '52:54:00:zz:00:01';
      host(d, 'rs2').routes = [{ destination: '10.0.0.0/8', via: '192.168.111.x' }];
      d.segments[0]!.cidr = '172.16.111/24';
      service(d, 'web').persistence = { timeout: 300, netmask: '255.0.255.0' };
    });
    const ps = problemsOf(t, 'addr/malformed');
    const refs = ps.map((p) => p.refs[0]);
    expect(refs).toEqual(expect.arrayContaining(['web', 'web-rs2', 'rs1', 'rs2', 'public']));
    expect(ps).toHaveLength(7);
    expect(ps.every((p) => p.severity === 'error')).toBe(true);
    expect(ps.find((p) => p.message.includes('1172.17.253.100'))!.message).toContain('1172 is larger than 255');
    expect(ps.find((p) => p.message.includes('/33'))!.message).toContain('prefix');
    expect(ps.find((p) => p.message.includes('255.0.255.0'))!.message).toContain('contiguous');
  });

  it('warns about a subnet with host bits set, and about an address without prefix', () => {
    const t = edit(natLab(), (d) => {
      d.segments[1]!.cidr = '192.168.111.7/24';
      iface(d, 'rs2', 'eth0').addresses = ['192.168.111.102'];
    });
    const ps = problemsOf(t, 'addr/malformed');
    expect(ps.find((p) => p.refs[0] === 'lan')).toMatchObject({ severity: 'warning' });
    expect(ps.find((p) => p.refs[0] === 'lan')!.fix).toContain('192.168.111.0/24');
    expect(ps.find((p) => p.refs[0] === 'rs2')).toMatchObject({ severity: 'error' });
    expect(ps.find((p) => p.refs[0] === 'rs2')!.message).toContain('without a prefix');
  });
});

describe('addr/outside-segment', () => {
  it('fails when an address is outside its segment and suggests a free one', () => {
    const t = edit(natLab(), (d) => {
      iface(d, 'rs2', 'eth0').addresses = ['192.168.112.102/24'];
    });
    const [p] = problemsOf(t, 'addr/outside-segment');
    expect(p).toMatchObject({ severity: 'error', refs: ['rs2', 'rs2-eth0', 'lan'] });
    expect(p!.fix).toContain('192.168.111.1/24');
  });
  it('passes for the lab', () => expect(problemsOf(natLab(), 'addr/outside-segment')).toEqual([]));
  it('accepts a routed /32 VIP from another network on the director', () => {
    const t = edit(natLab(), (d) => {
      iface(d, 'director', 'eth0').addresses.push('203.0.113.80/32');
    });
    expect(problemsOf(t, 'addr/outside-segment')).toEqual([]);
  });
});

describe('addr/prefix-mismatch', () => {
  it('warns when the prefix differs from the segment', () => {
    const t = edit(natLab(), (d) => {
      iface(d, 'rs1', 'eth0').addresses = ['192.168.111.101/16'];
    });
    expect(problemsOf(t, 'addr/prefix-mismatch')).toMatchObject([{ severity: 'warning', refs: ['rs1', 'rs1-eth0', 'lan'] }]);
  });
  it('accepts a /32 extra address on a segment interface', () => {
    const t = edit(natLab(), (d) => {
      iface(d, 'director', 'eth0').addresses.push('172.16.111.124/32');
    });
    expect(problemsOf(t, 'addr/prefix-mismatch')).toEqual([]);
  });
});

describe('addr/network-or-broadcast', () => {
  it('fails for the broadcast and network addresses', () => {
    const t = edit(natLab(), (d) => {
      iface(d, 'rs1', 'eth0').addresses = ['192.168.111.255/24'];
      iface(d, 'rs2', 'eth0').addresses = ['192.168.111.0/24'];
    });
    const ps = problemsOf(t, 'addr/network-or-broadcast');
    expect(ps).toHaveLength(2);
    expect(ps[0]).toMatchObject({ severity: 'error', refs: ['rs1', 'rs1-eth0'] });
    expect(ps[0]!.message).toContain('broadcast');
    expect(ps[1]!.message).toContain('network');
  });
  it('accepts /31 and /32', () => {
    const t = edit(natLab(), (d) => {
      iface(d, 'director', 'lo').addresses = ['10.9.9.0/31', '10.9.9.9/32'];
    });
    expect(problemsOf(t, 'addr/network-or-broadcast')).toEqual([]);
  });
});

describe('addr/duplicate-on-segment', () => {
  it('fails when two hosts share an address on one segment', () => {
    const t = edit(natLab(), (d) => {
      iface(d, 'rs2', 'eth0').addresses = ['192.168.111.101/24'];
    });
    const [p] = problemsOf(t, 'addr/duplicate-on-segment');
    expect(p).toMatchObject({ severity: 'error', refs: ['rs1', 'rs2', 'rs1-eth0', 'rs2-eth0', 'lan'] });
    expect(p!.message).toContain('192.168.111.101');
  });
  it("does not count the DR VIP on the real servers' lo", () => expect(problemsOf(drLab(), 'addr/duplicate-on-segment')).toEqual([]));
});

describe('addr/duplicate-mac', () => {
  it('is an error on one segment and a warning across segments', () => {
    const same = edit(natLab(), (d) => {
      iface(d, 'rs1', 'eth0').mac = '52:54:00:00:00:01';
      iface(d, 'rs2', 'eth0').mac = '52:54:00:00:00:01';
    });
    expect(problemsOf(same, 'addr/duplicate-mac')).toMatchObject([{ severity: 'error', refs: ['rs1', 'rs2', 'rs1-eth0', 'rs2-eth0'] }]);
    const apart = edit(natLab(), (d) => {
      iface(d, 'client', 'eth0').mac = '52:54:00:00:00:01';
      iface(d, 'rs2', 'eth0').mac = '52:54:00:00:00:01';
    });
    expect(problemsOf(apart, 'addr/duplicate-mac')).toMatchObject([{ severity: 'warning' }]);
  });
  it('passes with distinct MACs', () => {
    const t = edit(natLab(), (d) => {
      iface(d, 'rs1', 'eth0').mac = '52:54:00:00:00:01';
      iface(d, 'rs2', 'eth0').mac = '52:54:00:00:00:02';
    });
    expect(problemsOf(t, 'addr/duplicate-mac')).toEqual([]);
  });
});

describe('addr/gateway-not-on-link', () => {
  it('fails when the gateway is outside every subnet of the host and suggests the forwarding host', () => {
    const t = edit(natLab(), (d) => {
      host(d, 'rs1').gateway = '10.0.0.1';
    });
    const [p] = problemsOf(t, 'addr/gateway-not-on-link');
    expect(p).toMatchObject({ severity: 'error', refs: ['rs1'] });
    expect(p!.message).toContain('192.168.111.0/24');
    expect(p!.fix).toBe("Set rs1's gateway to 192.168.111.200 (a forwarding host on its segment).");
  });
  it('checks the next hop of static routes too', () => {
    const t = edit(natLab(), (d) => {
      host(d, 'rs1').routes = [{ destination: '10.0.0.0/8', via: '10.1.1.1' }];
    });
    expect(problemsOf(t, 'addr/gateway-not-on-link')).toHaveLength(1);
  });
});

describe('addr/gateway-unreachable', () => {
  it('fails when nobody on the segment owns the gateway', () => {
    const t = edit(natLab(), (d) => {
      host(d, 'rs1').gateway = '192.168.111.1';
    });
    const [p] = problemsOf(t, 'addr/gateway-unreachable');
    expect(p).toMatchObject({ severity: 'error', refs: ['rs1', 'lan'] });
  });
  it("fails when the gateway is the host's own address", () => {
    const t = edit(natLab(), (d) => {
      host(d, 'rs1').gateway = '192.168.111.101';
    });
    expect(problemsOf(t, 'addr/gateway-unreachable')[0]!.message).toContain('own address');
  });
  it('warns when the gateway owner does not forward', () => {
    const t = edit(natLab(), (d) => {
      d.hosts.push({ id: hostId('box'), name: 'box', role: 'router', interfaces: [eth('box', 'eth0', 'lan', ['192.168.111.1/24'])] });
      host(d, 'client').gateway = undefined;
      host(d, 'rs1').routes = [{ destination: '10.0.0.0/8', via: '192.168.111.1' }];
    });
    expect(problemsOf(t, 'addr/gateway-unreachable')).toMatchObject([{ severity: 'warning', refs: ['rs1', 'box'] }]);
  });
});

describe('addr/overlapping-segments', () => {
  it('is an error when a host is on both overlapping segments', () => {
    const t = edit(natLab(), (d) => {
      d.segments[0]!.cidr = '192.168.0.0/16';
      iface(d, 'client', 'eth0').addresses = ['192.168.1.13/16'];
      iface(d, 'director', 'eth0').addresses = ['192.168.1.123/16'];
      service(d, 'web').vip = '192.168.1.123';
      host(d, 'client').gateway = '192.168.1.123';
    });
    const [p] = problemsOf(t, 'addr/overlapping-segments');
    expect(p).toMatchObject({ severity: 'error', refs: ['lan', 'public', 'director'] });
  });
  it('is a warning when no host joins them, and silent for disjoint subnets', () => {
    const t = edit(natLab(), (d) => {
      d.segments.push({ id: segmentId('other'), name: 'other', cidr: '192.168.111.128/25' });
    });
    expect(problemsOf(t, 'addr/overlapping-segments')).toMatchObject([{ severity: 'warning', refs: ['other', 'lan'] }]);
    expect(problemsOf(tunLab(), 'addr/overlapping-segments')).toEqual([]);
  });
});

describe('addr/wide-virtual-prefix', () => {
  it('is an error when a subnet on lo makes neighbours local, and the walk breaks the same way', () => {
    const t = edit(drLab(), (d) => void (iface(d, 'rs1', 'lo').addresses = ['172.17.253.100/24']));
    const [p, ...rest] = problemsOf(t, 'addr/wide-virtual-prefix');
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ severity: 'error', refs: ['rs1', 'rs1-lo'] });
    expect(p!.message).toContain('every address of 172.17.253.0/24 is local to rs1');
    expect(p!.message).toContain('client (172.17.253.13)');
    expect(p!.zh?.message).toContain('172.17.253.0/24');
    // the client's address is local to rs1: the reply loops back inside rs1 (rp_filter off: the
    // request itself is accepted, fib_validate_source only refuses rs1's exact addresses) ...
    const flow = { client: hostId('client'), service: serviceId('web'), realServer: realServerId('web-rs1') };
    expect(simulate(t, flow, { seed: 1 }).outcome).toMatchObject({ status: 'broken', fault: 'unexpected-reply', at: { host: 'rs1' } });
    // ... and with rp_filter on, the source lookup finds it RTN_LOCAL: the request is a martian
    const strict = edit(t, (d) => void (host(d, 'rs1').sysctl = { ...host(d, 'rs1').sysctl, rpFilter: 1 }));
    expect(simulate(strict, flow, { seed: 1 }).outcome).toMatchObject({ status: 'broken', fault: 'martian-source' });
  });
  it("is an error when a subnet on tunl0 overlaps the host's own network (the reply may leave through the tunnel)", () => {
    const t = edit(tunLab(), (d) => void iface(d, 'rs2', 'tunl0').addresses.push('10.20.0.11/24'));
    expect(problemsOf(t, 'addr/wide-virtual-prefix')).toMatchObject([{ severity: 'error', refs: ['rs2', 'rs2-tunl0', 'rs2-eth0'] }]);
  });
  it('is an error on a router whose lo subnet swallows the real servers it routes to', () => {
    const t = edit(tunLab(), (d) => void iface(d, 'router', 'lo').addresses.push('10.20.0.50/24'));
    const [p] = problemsOf(t, 'addr/wide-virtual-prefix');
    expect(p).toMatchObject({ severity: 'error', refs: ['router', 'router-lo', 'router-eth1'] });
    const tr = simulate(t, { client: hostId('client'), service: serviceId('web'), realServer: realServerId('web-rs1') }, { seed: 1 });
    expect(tr.outcome.status).toBe('broken');
  });
  it('is a warning when nothing lies in the subnet yet, and silent for /32 VIPs', () => {
    const t = edit(drLab(), (d) => void (iface(d, 'rs1', 'lo').addresses = ['172.17.253.100/32', '10.99.0.1/24']));
    expect(problemsOf(t, 'addr/wide-virtual-prefix')).toMatchObject([{ severity: 'warning', refs: ['rs1', 'rs1-lo'] }]);
    for (const lab of [natLab(), drLab(), tunLab()]) expect(problemsOf(lab, 'addr/wide-virtual-prefix')).toEqual([]);
  });
});

describe('addr/not-unicast', () => {
  it.each([
    ['0.0.0.0', '"any address"'],
    ['127.0.0.1', 'loopback'],
    ['224.0.0.5', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.1.2.3', 'reserved'],
  ])('fails for the VIP %s', (vip, why) => {
    const t = edit(natLab(), (d) => {
      service(d, 'web').vip = vip;
    });
    const [p] = problemsOf(t, 'addr/not-unicast');
    expect(p).toMatchObject({ severity: 'error', refs: ['web'] });
    expect(p!.message).toContain(why);
  });
  it('fails for a loopback gateway and RIP, but accepts 127.0.0.1/8 on lo', () => {
    const t = edit(natLab(), (d) => {
      host(d, 'rs1').gateway = '127.0.0.1';
      realServer(d, 'web', 'rs2').rip = '127.0.0.2';
      iface(d, 'director', 'lo').addresses = ['127.0.0.1/8'];
    });
    expect(problemsOf(t, 'addr/not-unicast').map((p) => p.refs[0])).toEqual(['rs1', 'web-rs2']);
  });
});
