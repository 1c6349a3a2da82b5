// The wizard's designs are complete and checked: no error or warning for any method and size.
import { describe, expect, it } from 'vitest';
import { addRealServer, addService, suggestMethod } from '../../../shared/model/commands.ts';
import { makeDesignFile } from '../../../shared/model/file.ts';
import { designFileSchema } from '../../../shared/model/schema.ts';
import { WIZARD_DEFAULTS, addServiceWithServers, wizardDesign } from '../../../shared/model/wizard.ts';
import { validate } from '../../../shared/validation/index.ts';
import { loadExample } from '../generators/helpers.ts';
import { hostId, interfaceId, segmentId } from '../../../shared/model/ids.ts';

const loud = (t: Parameters<typeof validate>[0]) =>
  validate(t)
    .filter((p) => p.severity !== 'info')
    .map((p) => `${p.rule}: ${p.message}`);

describe('wizardDesign', () => {
  for (const method of ['nat', 'dr', 'tun'] as const) {
    it(`${method}: 1 to 16 real servers, no error or warning, loadable, every host placed`, () => {
      for (const n of [1, 2, 5, 9, 16]) {
        const d = wizardDesign({ ...WIZARD_DEFAULTS[method], realServers: n }, 'lab');
        expect(loud(d.topology), `${method} ×${n}`).toEqual([]);
        expect(designFileSchema.safeParse(makeDesignFile(d.topology, d.layout)).success).toBe(true);
        for (const x of [...d.topology.hosts, ...d.topology.segments]) expect(d.layout.positions[x.id], x.id).toBeDefined();
        expect(d.topology.services[0]!.realServers).toHaveLength(n);
      }
    });
  }

  it('the defaults are the seed article’s labs (same VIP, RIPs, scheduler as the examples)', () => {
    for (const [method, example] of [
      ['nat', 'nat-lab'],
      ['dr', 'dr-lab'],
      ['tun', 'tun-lab'],
    ] as const) {
      const ex = loadExample(example).services[0]!;
      const got = wizardDesign(WIZARD_DEFAULTS[method], 'lab').topology.services[0]!;
      expect({ vip: got.vip, scheduler: got.scheduler, rs: got.realServers.map((r) => [r.rip, r.method]) }).toEqual({
        vip: ex.vip,
        scheduler: ex.scheduler,
        rs: ex.realServers.map((r) => [r.rip, r.method]),
      });
    }
  });

  it('a bad address is kept as typed and reported by the checker', () => {
    const d = wizardDesign({ ...WIZARD_DEFAULTS.dr, firstRip: '192.168.163.1000' }, 'lab');
    expect(validate(d.topology).some((p) => p.rule === 'addr/malformed')).toBe(true);
  });
});

describe('addServiceWithServers', () => {
  it('adds a DR service on port 443 to the DR lab, set up and checked', () => {
    const t = loadExample('dr-lab');
    const { topology } = addServiceWithServers(t, {
      director: 'director',
      hosts: ['rs1', 'rs2'],
      method: 'dr',
      vip: '172.17.253.100',
      port: 443,
      scheduler: 'rr',
    });
    expect(topology.services).toHaveLength(2);
    expect(loud(topology)).toEqual([]);
  });
  it('adds a NAT service to the NAT lab without problems', () => {
    const t = loadExample('nat-lab');
    const { topology } = addServiceWithServers(t, { director: 'director', hosts: ['rs1'], method: 'nat', vip: '172.16.111.123', port: 8080, scheduler: 'wlc' });
    expect(loud(topology)).toEqual([]);
  });
});

describe('addServiceWithServers on a hand-built topology', () => {
  it('DR: the director gets the VIP on its front interface, real servers without a gateway get the router on their segment', () => {
    const eth = (id: string, segment: string, address: string) => ({
      id: interfaceId(id),
      name: id.split('-')[1]!,
      kind: 'ethernet' as const,
      segment: segmentId(segment),
      addresses: [address],
    });
    const t = {
      name: 'palette',
      segments: [
        { id: segmentId('net1'), name: 'net1', cidr: '172.17.253.0/24' },
        { id: segmentId('net2'), name: 'net2', cidr: '192.168.163.0/24' },
      ],
      hosts: [
        { id: hostId('client1'), name: 'client1', role: 'client' as const, interfaces: [eth('client1-eth0', 'net1', '172.17.253.1/24')] },
        {
          id: hostId('director1'),
          name: 'director1',
          role: 'director' as const,
          interfaces: [eth('director1-eth0', 'net1', '172.17.253.2/24'), eth('director1-eth1', 'net2', '192.168.163.1/24')],
        },
        {
          id: hostId('router1'),
          name: 'router1',
          role: 'router' as const,
          interfaces: [eth('router1-eth0', 'net1', '172.17.253.3/24'), eth('router1-eth1', 'net2', '192.168.163.2/24')],
        },
        { id: hostId('rs1'), name: 'rs1', role: 'real-server' as const, interfaces: [eth('rs1-eth0', 'net2', '192.168.163.3/24')] },
        { id: hostId('rs2'), name: 'rs2', role: 'real-server' as const, gateway: '192.168.163.1', interfaces: [eth('rs2-eth0', 'net2', '192.168.163.4/24')] },
      ],
      services: [],
    };
    const { topology } = addServiceWithServers(t, {
      director: 'director1',
      hosts: ['rs1', 'rs2'],
      method: 'dr',
      vip: '172.17.253.100',
      port: 80,
      scheduler: 'wrr',
    });
    const host = (id: string) => topology.hosts.find((h) => h.id === id)!;
    expect(host('director1').interfaces[0]!.addresses).toEqual(['172.17.253.2/24', '172.17.253.100/24']);
    expect(host('rs1').gateway).toBe('192.168.163.2');
    // A gateway the user set is kept.
    expect(host('rs2').gateway).toBe('192.168.163.1');
    // NAT leaves gateways to the director (its own rule) and adds no router gateway.
    const nat = addServiceWithServers(t, { director: 'director1', hosts: ['rs1'], method: 'nat', vip: '172.17.253.100', port: 80, scheduler: 'wrr' }).topology;
    expect(nat.hosts.find((h) => h.id === 'rs1')!.gateway).toBe('192.168.163.1');
  });
});

describe('suggestMethod: the method follows the design', () => {
  it('DR when the host holds the VIP on lo, TUN on tunl0, NAT on the director’s segment, TUN elsewhere', () => {
    const dr = loadExample('dr-lab');
    const { topology: withSvc, id } = addService(dr, hostId('director'));
    const vipSvc = { ...withSvc, services: withSvc.services.map((s) => (s.id === id ? { ...s, vip: '172.17.253.100', realServers: [] } : s)) };
    expect(suggestMethod(vipSvc, id, hostId('rs1'))).toBe('dr');
    expect(addRealServer(vipSvc, id, hostId('rs1'))!.topology.services.find((s) => s.id === id)!.realServers[0]!.method).toBe('dr');
    const tun = loadExample('tun-lab');
    const t2 = addService(tun, hostId('director'));
    const tunSvc = { ...t2.topology, services: t2.topology.services.map((s) => (s.id === t2.id ? { ...s, vip: '172.18.0.100', realServers: [] } : s)) };
    expect(suggestMethod(tunSvc, t2.id, hostId('rs1'))).toBe('tun');
    const nat = loadExample('nat-lab');
    const t3 = addService(nat, hostId('director'));
    const natSvc = { ...t3.topology, services: t3.topology.services.map((s) => (s.id === t3.id ? { ...s, realServers: [] } : s)) };
    expect(suggestMethod(natSvc, t3.id, hostId('rs1'))).toBe('nat');
  });
});
