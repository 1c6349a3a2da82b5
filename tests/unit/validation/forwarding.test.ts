import { describe, expect, it } from 'vitest';
import { drLab, drOneLan, edit, eth, host, iface, lo, natLab, problemsOf, realServer, removeHost, service, tunl0, tunLab } from './builders.ts';
import { hostId, segmentId } from '../../../shared/model/ids.ts';

describe('nat/reply-not-via-director', () => {
  it('fails when the gateway is not the DIP, with the student-level message and fix', () => {
    const t = edit(natLab(), (d) => {
      d.hosts.push({ id: hostId('gw'), name: 'gw', role: 'router', interfaces: [eth('gw', 'eth0', 'lan', ['192.168.111.1/24'])], sysctl: { ipForward: true } });
      host(d, 'rs1').gateway = '192.168.111.1';
    });
    const [p, ...rest] = problemsOf(t, 'nat/reply-not-via-director');
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ severity: 'error', refs: ['rs1', 'director', 'web-rs1'] });
    expect(p!.message).toContain("rs1's default gateway is 192.168.111.1, but replies in NAT mode must go back through the director's DIP 192.168.111.200");
    expect(p!.fix).toBe("Set rs1's gateway to 192.168.111.200.");
  });
  it('fails when the real server has no gateway', () => {
    const t = edit(natLab(), (d) => {
      host(d, 'rs2').gateway = undefined;
    });
    expect(problemsOf(t, 'nat/reply-not-via-director')).toMatchObject([{ refs: ['rs2', 'director', 'web-rs2'], fix: "Set rs2's gateway to 192.168.111.200." }]);
  });
  it('fails when a static route sends the clients elsewhere', () => {
    const t = edit(natLab(), (d) => {
      d.hosts.push({ id: hostId('gw'), name: 'gw', role: 'router', interfaces: [eth('gw', 'eth0', 'lan', ['192.168.111.1/24'])], sysctl: { ipForward: true } });
      host(d, 'rs1').routes = [{ destination: '172.16.0.0/16', via: '192.168.111.1' }];
    });
    expect(problemsOf(t, 'nat/reply-not-via-director')[0]!.message).toContain("rs1's route to 172.16.0.0/16 goes via 192.168.111.1");
  });
  it("fails when the client sits on the real servers' segment", () => {
    const t = edit(natLab(), (d) => {
      iface(d, 'client', 'eth0').segment = segmentId('lan');
      iface(d, 'client', 'eth0').addresses = ['192.168.111.13/24'];
      host(d, 'client').gateway = '192.168.111.200';
    });
    expect(problemsOf(t, 'nat/reply-not-via-director')[0]!.message).toContain('bypass the director');
  });
  it('checks the default gateway when the design has no client', () => {
    const t = edit(natLab(), (d) => {
      removeHost(d, 'client');
      d.hosts.push({ id: hostId('gw'), name: 'gw', role: 'router', interfaces: [eth('gw', 'eth0', 'lan', ['192.168.111.1/24'])], sysctl: { ipForward: true } });
      host(d, 'rs1').gateway = '192.168.111.1';
    });
    expect(problemsOf(t, 'nat/reply-not-via-director')).toMatchObject([{ refs: ['rs1', 'director', 'web-rs1'] }]);
  });
  it('passes for the NAT lab', () => expect(problemsOf(natLab(), 'nat/reply-not-via-director')).toEqual([]));
});

describe('nat/ip-forward-off', () => {
  it('fails when the NAT director does not forward', () => {
    const t = edit(natLab(), (d) => {
      host(d, 'director').sysctl = { ipForward: false };
    });
    expect(problemsOf(t, 'nat/ip-forward-off')).toMatchObject([{ severity: 'error', refs: ['director', 'web'] }]);
  });
  it('does not apply to a DR director', () => expect(problemsOf(drLab(), 'nat/ip-forward-off')).toEqual([]));
});

describe('nat/director-not-on-rs-segment', () => {
  it('warns when a NAT real server shares no segment with the director', () => {
    const t = edit(tunLab(), (d) => {
      for (const r of service(d, 'web').realServers) r.method = 'nat';
    });
    expect(problemsOf(t, 'nat/director-not-on-rs-segment')).toMatchObject([
      { severity: 'warning', refs: ['rs1', 'director', 'web-rs1'] },
      { severity: 'warning', refs: ['rs2', 'director', 'web-rs2'] },
    ]);
  });
  it('passes for the NAT lab', () => expect(problemsOf(natLab(), 'nat/director-not-on-rs-segment')).toEqual([]));
});

describe('dr/same-segment', () => {
  it('fails when the DR real server is behind a router', () => {
    const t = edit(tunLab(), (d) => {
      for (const r of service(d, 'web').realServers) r.method = 'dr';
    });
    const ps = problemsOf(t, 'dr/same-segment');
    expect(ps).toHaveLength(2);
    expect(ps[0]).toMatchObject({ severity: 'error', refs: ['rs1', 'director', 'web-rs1'] });
    expect(ps[0]!.fix).toContain('TUN');
  });
  it('passes for the DR lab', () => expect(problemsOf(drLab(), 'dr/same-segment')).toEqual([]));
});

describe('dr/vip-missing-on-rs', () => {
  it('fails without the VIP', () => {
    const t = edit(drLab(), (d) => {
      iface(d, 'rs1', 'lo').addresses = [];
    });
    const [p] = problemsOf(t, 'dr/vip-missing-on-rs');
    expect(p).toMatchObject({ severity: 'error', refs: ['rs1', 'web-rs1', 'web', 'rs1-lo'] });
    expect(p!.fix).toBe("Add 172.17.253.100/32 to rs1's lo.");
  });
  it('fails with the VIP on eth0 (ARP fight)', () => {
    const t = edit(drLab(), (d) => {
      iface(d, 'rs1', 'lo').addresses = [];
      iface(d, 'rs1', 'eth0').addresses.push('172.17.253.100/32');
    });
    expect(problemsOf(t, 'dr/vip-missing-on-rs')[0]!.message).toContain('answers ARP');
  });
  it('leaves a VIP on lo with a wide prefix to addr/wide-virtual-prefix', () => {
    const t = edit(drLab(), (d) => {
      iface(d, 'rs1', 'lo').addresses = ['172.17.253.100/24'];
    });
    expect(problemsOf(t, 'dr/vip-missing-on-rs')).toEqual([]);
    expect(problemsOf(t, 'addr/wide-virtual-prefix')).toMatchObject([{ severity: 'error', refs: ['rs1', 'rs1-lo'] }]);
  });
});

describe('dr/arp-not-configured', () => {
  it('fails when the real server answers ARP for the VIP on a segment where it is asked for', () => {
    expect(problemsOf(drOneLan(), 'dr/arp-not-configured')).toEqual([]);
    const t = edit(drOneLan(), (d) => {
      host(d, 'rs2').sysctl = {};
    });
    const [p, ...rest] = problemsOf(t, 'dr/arp-not-configured');
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ severity: 'error', refs: ['rs2', 'rs2-eth0', 'public', 'web-rs2'] });
    expect(p!.message).toContain('arp_ignore=0, arp_announce=0');
    expect(p!.message).toMatch(/where (client|router) asks for it/);
    expect(p!.fix).toContain('arp_ignore=1');
  });
  it('only warns when nobody on the shared segment ARPs for the VIP (the seed DR lab)', () => {
    const t = edit(drLab(), (d) => {
      host(d, 'rs2').sysctl = {};
    });
    const [p, ...rest] = problemsOf(t, 'dr/arp-not-configured');
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ severity: 'warning', refs: ['rs2', 'rs2-eth0', 'lan', 'web-rs2'] });
    expect(p!.message).toContain('works today');
  });
  it('uses max(all, interface): interface-level settings are enough', () => {
    const t = edit(drLab(), (d) => {
      host(d, 'rs2').sysctl = {};
      iface(d, 'rs2', 'eth0').sysctl = { arpIgnore: 1, arpAnnounce: 2 };
    });
    expect(problemsOf(t, 'dr/arp-not-configured')).toEqual([]);
  });
  it('fails when only arp_announce is missing', () => {
    const t = edit(drLab(), (d) => {
      host(d, 'rs2').sysctl = { arpIgnore: 1 };
    });
    expect(problemsOf(t, 'dr/arp-not-configured')).toHaveLength(1);
  });
});

describe('dr/client-arp-exposure', () => {
  it('fails when a client on another segment of the RS has the VIP on-link and ARP is not handled', () => {
    const t = edit(drLab(), (d) => {
      d.segments.push({ id: segmentId('lab'), name: 'lab', cidr: '172.17.0.0/16' });
      host(d, 'rs1').sysctl = {};
      iface(d, 'rs1', 'eth0').sysctl = { arpIgnore: 1, arpAnnounce: 2 };
      host(d, 'rs1').interfaces.push(eth('rs1', 'eth1', 'lab', ['172.17.9.1/16']));
      d.hosts.push({ id: hostId('tester'), name: 'tester', role: 'client', interfaces: [eth('tester', 'eth0', 'lab', ['172.17.9.2/16'])] });
    });
    const [p] = problemsOf(t, 'dr/client-arp-exposure');
    expect(p).toMatchObject({ severity: 'error', refs: ['rs1', 'tester', 'lab', 'rs1-eth1'] });
  });
  it('passes for the DR lab', () => expect(problemsOf(drLab(), 'dr/client-arp-exposure')).toEqual([]));
});

describe('dr/reply-via-director', () => {
  it("is an error when the DR real server uses the director as gateway (the seed article's DR design)", () => {
    const t = edit(drLab(), (d) => {
      host(d, 'rs1').gateway = '192.168.163.101';
    });
    const [p] = problemsOf(t, 'dr/reply-via-director');
    expect(p).toMatchObject({ severity: 'error', refs: ['rs1', 'director', 'web-rs1'] });
    expect(p!.message).toContain('martian');
    expect(p!.fix).toBe("Set rs1's gateway to the router 192.168.163.1.");
  });
  it('passes when the gateway is the router', () => expect(problemsOf(drLab(), 'dr/reply-via-director')).toEqual([]));
});

describe('route/no-return-path', () => {
  it('fails when a DR real server has no route to the client', () => {
    const t = edit(drLab(), (d) => {
      host(d, 'rs1').gateway = undefined;
    });
    const [p] = problemsOf(t, 'route/no-return-path');
    expect(p).toMatchObject({ severity: 'error', refs: ['rs1', 'web-rs1'] });
    expect(p!.fix).toBe("Set rs1's gateway to the router 192.168.163.1.");
  });
  it('passes for the DR and TUN labs', () => {
    expect(problemsOf(drLab(), 'route/no-return-path')).toEqual([]);
    expect(problemsOf(tunLab(), 'route/no-return-path')).toEqual([]);
  });
});

describe('tun/vip-missing-on-tunnel', () => {
  it('fails without tunl0', () => {
    const t = edit(tunLab(), (d) => {
      host(d, 'rs1').interfaces = host(d, 'rs1').interfaces.filter((f) => f.kind !== 'ipip');
    });
    const [p] = problemsOf(t, 'tun/vip-missing-on-tunnel');
    expect(p).toMatchObject({ severity: 'error', refs: ['rs1', 'web-rs1', 'web'] });
    expect(p!.message).toContain('no IPIP tunnel interface');
  });
  it('fails with tunl0 but no VIP, accepts the VIP on lo next to tunl0', () => {
    const bare = edit(tunLab(), (d) => {
      iface(d, 'rs1', 'tunl0').addresses = [];
    });
    expect(problemsOf(bare, 'tun/vip-missing-on-tunnel')).toMatchObject([{ refs: ['rs1', 'web-rs1', 'web', 'rs1-tunl0'] }]);
    const onLo = edit(tunLab(), (d) => {
      iface(d, 'rs1', 'tunl0').addresses = [];
      host(d, 'rs1').interfaces[0] = lo('rs1', ['172.18.0.100/32']);
    });
    expect(problemsOf(onLo, 'tun/vip-missing-on-tunnel')).toEqual([]);
  });
});

describe('tun/rp-filter', () => {
  it('fails for strict rp_filter on all', () => {
    const t = edit(tunLab(), (d) => {
      host(d, 'rs1').sysctl = { arpIgnore: 1, arpAnnounce: 2, rpFilter: 1 };
    });
    expect(problemsOf(t, 'tun/rp-filter')).toMatchObject([{ severity: 'error', refs: ['rs1', 'rs1-tunl0', 'web-rs1'] }]);
  });
  it('warns when rp_filter is left unset', () => {
    const t = edit(tunLab(), (d) => {
      host(d, 'rs2').sysctl = { arpIgnore: 1, arpAnnounce: 2 };
      host(d, 'rs2').interfaces[1] = tunl0('rs2', ['172.18.0.100/32']);
    });
    const [p] = problemsOf(t, 'tun/rp-filter');
    expect(p).toMatchObject({ severity: 'warning', refs: ['rs2', 'rs2-tunl0', 'web-rs2'] });
    expect(p!.message).toContain('all and tunl0');
  });
  it('accepts loose mode (2)', () => {
    const t = edit(tunLab(), (d) => {
      host(d, 'rs1').sysctl = { arpIgnore: 1, arpAnnounce: 2, rpFilter: 2 };
    });
    expect(problemsOf(t, 'tun/rp-filter')).toEqual([]);
  });
});

describe('tun/mtu', () => {
  it('warns when real servers keep a 1500-byte MTU', () => {
    const t = edit(tunLab(), (d) => {
      delete iface(d, 'rs1', 'eth0').mtu;
    });
    const [p] = problemsOf(t, 'tun/mtu');
    expect(p).toMatchObject({ severity: 'warning', refs: ['web', 'rs1'] });
    expect(p!.message).toContain('1520 bytes');
    expect(p!.fix).toContain('1480');
    expect(p!.fix).toContain('1440');
  });
  it('passes when the real servers use 1480', () => expect(problemsOf(tunLab(), 'tun/mtu')).toEqual([]));
});

describe('tun/rs-unreachable', () => {
  it('fails when the director has no route to the RIP', () => {
    const t = edit(tunLab(), (d) => {
      host(d, 'director').gateway = undefined;
    });
    expect(problemsOf(t, 'tun/rs-unreachable')).toMatchObject([
      { severity: 'error', refs: ['director', 'rs1', 'web-rs1'] },
      { severity: 'error', refs: ['director', 'rs2', 'web-rs2'] },
    ]);
  });
  it('accepts a static route instead of a gateway', () => {
    const t = edit(tunLab(), (d) => {
      host(d, 'director').gateway = undefined;
      host(d, 'director').routes = [{ destination: '10.20.0.0/24', via: '172.18.0.1' }];
    });
    expect(problemsOf(t, 'tun/rs-unreachable')).toEqual([]);
  });
});

describe('general rules', () => {
  it('general/client-on-director: an error for a client holding the VIP, a warning for a client on a NAT director', () => {
    const vip = edit(natLab(), (d) => {
      iface(d, 'client', 'lo').addresses = ['172.16.111.123/32'];
    });
    expect(problemsOf(vip, 'general/client-on-director')).toMatchObject([{ severity: 'error', refs: ['client', 'client-lo', 'web'] }]);
    const same = edit(natLab(), (d) => {
      iface(d, 'client', 'eth0').addresses = ['172.16.111.123/24'];
    });
    expect(problemsOf(same, 'general/client-on-director').length).toBeGreaterThan(0);
    expect(problemsOf(natLab(), 'general/client-on-director')).toEqual([]);
    // The client on a DR director: the VIP-sourced replies are dropped there, so the walk breaks.
    const onDr = edit(drLab(), (d) => void (host(d, 'client').role = 'client'));
    const drDirector = { ...onDr, hosts: onDr.hosts.map((h) => (h.id === 'director' ? { ...h, role: 'client' as const } : h)) };
    expect(problemsOf(drDirector, 'general/client-on-director').some((p) => p.severity === 'error')).toBe(true);
  });
  it('general/mixed-methods: warns when a service mixes NAT and DR', () => {
    const t = edit(drLab(), (d) => {
      realServer(d, 'web', 'rs2').method = 'nat';
    });
    const [p] = problemsOf(t, 'general/mixed-methods');
    expect(p).toMatchObject({ severity: 'warning', refs: ['web', 'web-rs2'] });
    expect(problemsOf(drLab(), 'general/mixed-methods')).toEqual([]);
  });
  it('general/director-role: warns when a non-director owns a service', () => {
    const t = edit(natLab(), (d) => {
      host(d, 'director').role = 'router';
    });
    expect(problemsOf(t, 'general/director-role')).toMatchObject([{ severity: 'warning', refs: ['web', 'director'] }]);
    expect(problemsOf(natLab(), 'general/director-role')).toEqual([]);
  });
  it('general/unattached-host: info for a host on no segment', () => {
    const t = edit(natLab(), (d) => {
      d.hosts.push({ id: hostId('spare'), name: 'spare', role: 'real-server', interfaces: [eth('spare', 'eth0', null, [])] });
    });
    expect(problemsOf(t, 'general/unattached-host')).toMatchObject([{ severity: 'info', refs: ['spare', 'spare-eth0'] }]);
    expect(problemsOf(natLab(), 'general/unattached-host')).toEqual([]);
  });
});

describe('tun/arp-exposure', () => {
  it('fails when a TUN real server without ARP settings sits where the VIP is ARPed for', () => {
    const t = edit(tunLab(), (d) => {
      host(d, 'rs1').sysctl = { rpFilter: 0 };
      host(d, 'rs1').interfaces.push(eth('rs1', 'eth1', 'front', ['172.18.0.50/24']));
    });
    const [p] = problemsOf(t, 'tun/arp-exposure');
    expect(p).toMatchObject({ severity: 'error', refs: ['rs1', 'rs1-eth1', 'front', 'web-rs1'] });
    expect(p!.message).toContain('arp_ignore=0');
  });
  it('passes for real servers in a remote network, even without ARP settings', () => {
    const t = edit(tunLab(), (d) => {
      host(d, 'rs1').sysctl = { rpFilter: 0 };
      host(d, 'rs2').sysctl = { rpFilter: 0 };
    });
    expect(problemsOf(t, 'tun/arp-exposure')).toEqual([]);
  });
});

describe('route/client-cannot-reach-vip', () => {
  const outside = (gateway?: string) =>
    edit(drLab(), (d) => {
      d.segments.push({ id: segmentId('outside'), name: 'outside', cidr: '203.0.113.0/24' });
      host(d, 'router').interfaces.push(eth('router', 'eth2', 'outside', ['203.0.113.1/24']));
      iface(d, 'client', 'eth0').segment = segmentId('outside');
      iface(d, 'client', 'eth0').addresses = ['203.0.113.10/24'];
      host(d, 'client').gateway = gateway;
    });
  it('fails when the client has no route to the VIP and suggests the router', () => {
    const [p] = problemsOf(outside(undefined), 'route/client-cannot-reach-vip');
    expect(p).toMatchObject({ severity: 'error', refs: ['client', 'web'], fix: "Set client's gateway to 203.0.113.1." });
  });
  it('reports every client of the same routing shape, each with its own refs', () => {
    const t = edit(outside(undefined), (d) => {
      d.hosts.push({ id: hostId('client2'), name: 'client2', role: 'client', interfaces: [eth('client2', 'eth0', 'outside', ['203.0.113.11/24'])] });
      d.hosts.push({
        id: hostId('client3'),
        name: 'client3',
        role: 'client',
        interfaces: [eth('client3', 'eth0', 'outside', ['203.0.113.12/24'])],
        gateway: '203.0.113.1',
      });
    });
    expect(problemsOf(t, 'route/client-cannot-reach-vip').map((p) => p.refs[0])).toEqual(['client', 'client2']);
  });
  it('fails when the VIP is on-link but nobody on the segment has it', () => {
    const t = edit(natLab(), (d) => {
      iface(d, 'director', 'eth0').addresses = ['172.16.111.12/24'];
      iface(d, 'director', 'lo').addresses = ['172.16.111.123/32'];
      host(d, 'client').gateway = '172.16.111.12';
    });
    expect(problemsOf(t, 'route/client-cannot-reach-vip')).toMatchObject([{ severity: 'error', refs: ['client', 'client-eth0', 'public', 'web'] }]);
  });
  it('passes with a gateway, and for the labs', () => {
    expect(problemsOf(outside('203.0.113.1'), 'route/client-cannot-reach-vip')).toEqual([]);
    for (const t of [natLab(), drLab(), tunLab()]) expect(problemsOf(t, 'route/client-cannot-reach-vip')).toEqual([]);
  });
});

describe('route/gateway-not-forwarding', () => {
  it('is an error when a router the real servers route through does not forward', () => {
    const t = edit(tunLab(), (d) => void (host(d, 'router').sysctl = { ipForward: false }));
    const ps = problemsOf(t, 'route/gateway-not-forwarding');
    expect(ps).toHaveLength(1);
    expect(ps[0]).toMatchObject({ severity: 'error' });
    expect(ps[0]!.refs[0]).toBe('router');
    expect(ps[0]!.zh?.message).toContain('ip_forward');
  });
  it('passes on the seed labs and leaves directors to the NAT and DR rules', () => {
    for (const t of [natLab(), drLab(), tunLab()]) expect(problemsOf(t, 'route/gateway-not-forwarding')).toEqual([]);
    const natOff = edit(natLab(), (d) => void (host(d, 'director').sysctl = { ipForward: false }));
    expect(problemsOf(natOff, 'route/gateway-not-forwarding')).toEqual([]);
    expect(problemsOf(natOff, 'nat/ip-forward-off')).toHaveLength(1);
  });
});

describe('route/strict-rp-filter', () => {
  it('is an error when the router the TUN replies cross has strict rp_filter where they arrive', () => {
    const t = edit(tunLab(), (d) => void (iface(d, 'router', 'eth1').sysctl = { rpFilter: 1 }));
    const ps = problemsOf(t, 'route/strict-rp-filter');
    expect(ps.length).toBeGreaterThan(0);
    expect(ps[0]!.severity).toBe('error');
    expect(ps[0]!.refs.slice(0, 2)).toEqual(['router', 'router-eth1']);
    expect(ps[0]!.message).toContain('leaves by eth0');
  });
  it('passes with loose mode, on the interface the VIP is routed by, and on the seed labs', () => {
    expect(
      problemsOf(
        edit(tunLab(), (d) => void (iface(d, 'router', 'eth1').sysctl = { rpFilter: 2 })),
        'route/strict-rp-filter',
      ),
    ).toEqual([]);
    expect(
      problemsOf(
        edit(tunLab(), (d) => void (iface(d, 'router', 'eth0').sysctl = { rpFilter: 1 })),
        'route/strict-rp-filter',
      ),
    ).toEqual([]);
    for (const t of [natLab(), drLab(), tunLab()]) expect(problemsOf(t, 'route/strict-rp-filter')).toEqual([]);
  });
});
