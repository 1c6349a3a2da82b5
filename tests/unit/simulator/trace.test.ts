import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDesignFile } from '../../../shared/model/file.ts';
import type { Host, Interface, Topology } from '../../../shared/model/types.ts';
import { simulate } from '../../../shared/simulator/index.ts';
import type { Trace } from '../../../shared/simulator/index.ts';
import { directorRef, hostId, interfaceId, realServerId, segmentId, serviceId } from '../../../shared/model/ids.ts';

function lab(name: 'nat' | 'dr' | 'tun'): Topology {
  const r = parseDesignFile(readFileSync(`examples/${name}-lab.lvs.json`, 'utf8'));
  if (!r.ok) throw new Error(r.error.message);
  return r.value.topology;
}

/** Returns a copy of `t` with `fn` applied to host `id`. */
function editHost(t: Topology, id: string, fn: (h: Host) => Host): Topology {
  return { ...t, hosts: t.hosts.map((h) => (h.id === id ? fn(h) : h)) };
}
function editIface(h: Host, id: string, fn: (f: Interface) => Interface): Host {
  return { ...h, interfaces: h.interfaces.map((f) => (f.id === id ? fn(f) : f)) };
}

const letters = (t: Trace): string[] => t.steps.flatMap((s) => (s.articleStep ? [s.articleStep] : []));
const fault = (t: Trace): string | undefined => (t.outcome.status === 'broken' ? t.outcome.fault : undefined);

describe('seed labs work and show the article steps', () => {
  it('NAT: (a)–(f), destination rewritten on the way in, source on the way out', () => {
    const t = simulate(lab('nat'), { client: hostId('client'), service: serviceId('web'), sport: 40000 }, { seed: 7 });
    expect(t.outcome.status).toBe('ok');
    expect(letters(t)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    const c = t.steps.find((s) => s.articleStep === 'c')!;
    expect(c.kind).toBe('rewrite');
    // IPVS lowers the TTL of what it sends on (__ip_vs_get_out_rt → decrement_ttl).
    expect(c.changed).toEqual(['ip.dst', 'ip.ttl']);
    expect(c.packet?.ip?.ttl).toBe(63);
    expect(c.packet?.ip?.dst).toBe(t.conn!.dest.address);
    expect(c.packet?.ip?.src).toBe('172.16.111.13');
    const f = t.steps.find((s) => s.articleStep === 'f')!;
    expect(f).toMatchObject({ kind: 'rewrite', hook: 'FORWARD', changed: ['ip.src'] });
    expect(f.packet?.ip?.src).toBe('172.16.111.123');
    expect(t.steps.find((s) => s.articleStep === 'a')).toMatchObject({ hook: 'PREROUTING', place: { kind: 'host', host: 'director' } });
    expect(t.steps.find((s) => s.articleStep === 'b')).toMatchObject({ hook: 'LOCAL_IN' });
    expect(t.steps.find((s) => s.articleStep === 'e')?.packet?.ip).toMatchObject({ src: t.conn!.dest.address, dst: '172.16.111.13' });
    // The first wrr connection goes to the head of the kernel list: the real server added last.
    expect(t.realServer).toBe('web-rs2');
    // trace.conn is the entry after the whole connection: the client's FIN left it in TIME_WAIT (2 min).
    expect(t.conn?.ipvsadm).toMatch(/^TCP 02:00 {2}TIME_WAIT {3}172\.16\.111\.13:40000 +172\.16\.111\.123:80 +192\.168\.111\.102:80$/);
    // NAT carries the big reply through the director.
    const dir = t.bytes.find((b) => b.host === 'director')!;
    expect(dir.forwarded).toBeGreaterThan(10240);
  });

  it('DR: (a)–(f), only the MACs change at the director, the reply skips it', () => {
    const t = simulate(lab('dr'), { client: hostId('client'), service: serviceId('172.17.253.100:80') }, { seed: 3 });
    expect(t.outcome.status).toBe('ok');
    expect(letters(t)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    const out = t.steps.find((s) => s.kind === 'transmit' && s.place.kind === 'link' && s.place.from.host === 'director')!;
    expect(out.changed).toEqual(['eth.src', 'eth.dst']);
    expect(out.packet?.ip).toMatchObject({ src: '172.17.253.13', dst: '172.17.253.100' });
    expect(t.steps.find((s) => s.articleStep === 'c')).toMatchObject({ kind: 'rewrite', changed: ['ip.ttl'] });
    const e = t.steps.find((s) => s.articleStep === 'e')!;
    expect(e.packet?.ip?.src).toBe('172.17.253.100');
    expect(t.steps.filter((s) => s.phase === 'reply' && s.place.kind === 'host' && s.place.host === 'director')).toEqual([]);
    const dir = t.bytes.find((b) => b.host === 'director')!;
    expect(dir.forwarded).toBeLessThan(1000);
  });

  it('TUN: (a)–(c), IPIP outer header from the DIP to the RIP, removed on tunl0', () => {
    const t = simulate(lab('tun'), { client: hostId('client'), service: serviceId('web') }, { seed: 1 });
    expect(t.outcome.status).toBe('ok');
    expect(letters(t)).toEqual(['a', 'b', 'c']);
    const b = t.steps.find((s) => s.articleStep === 'b')!;
    expect(b.kind).toBe('encapsulate');
    expect(b.changed).toContain('outer');
    expect(b.packet?.outer).toMatchObject({ src: '172.18.0.10', dst: t.conn!.dest.address, protocol: 'ipip', ttl: 63 });
    expect(b.packet?.ip?.ttl).toBe(63);
    expect(b.packet?.ip).toMatchObject({ src: '172.18.0.13', dst: '172.18.0.100' });
    const c = t.steps.find((s) => s.articleStep === 'c')!;
    expect(c).toMatchObject({ kind: 'decapsulate', changed: ['outer'] });
    expect(c.packet?.outer).toBeUndefined();
  });

  it('is deterministic for a seed and JSON-safe', () => {
    const a = simulate(lab('dr'), { client: hostId('client'), service: serviceId('web') }, { seed: 42 });
    const b = simulate(lab('dr'), { client: hostId('client'), service: serviceId('web') }, { seed: 42 });
    expect(a).toEqual(b);
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
    expect(a.steps.every((s, i) => s.index === i && s.narration.en.length > 0 && s.narration.zh.length > 0)).toBe(true);
  });
});

describe('services and sysctls', () => {
  it('an all-ports persistent service and a fwmark service still trace', () => {
    const t0 = lab('nat');
    const allPorts = { ...t0, services: t0.services.map((s) => ({ ...s, port: 0, persistence: { timeout: 300, netmask: '255.255.255.0' } })) };
    const t = simulate(allPorts, { client: hostId('client'), service: serviceId('web'), dport: 443 });
    expect(t.outcome.status).toBe('ok');
    expect(t.conn).toMatchObject({ virtual: { address: '172.16.111.123', port: 443 }, template: { client: '172.16.111.0', expiresIn: 300, reused: false } });
    const fw = { ...t0, services: t0.services.map((s) => ({ ...s, protocol: 'fwmark' as const, fwmark: 1 })) };
    expect(simulate(fw, { client: hostId('client'), service: serviceId('web') }).outcome.status).toBe('ok');
  });

  it('DR real servers with arp_announce=0 announce the VIP when they ARP for the gateway', () => {
    let t0 = lab('dr');
    for (const id of ['rs1', 'rs2']) {
      t0 = editHost(t0, id, (h) => {
        const { sysctl: _drop, ...rest } = h;
        return { ...rest, interfaces: h.interfaces.map((f) => ({ ...f, sysctl: {} })) };
      });
    }
    const t = simulate(t0, { client: hostId('client'), service: serviceId('web') });
    expect(t.outcome.status).toBe('ok');
    expect(t.warnings.map((w) => w.fault)).toContain('arp-announce');
    const leak = t.steps.find((s) => s.kind === 'arp-request' && s.phase === 'reply' && s.packet?.arp?.senderIp === '172.17.253.100');
    expect(leak?.severity).toBe('warning');
  });

  it('previous connections move the scheduler on, or reuse the persistence template', () => {
    const order = [0, 1, 2, 3].map((k) => simulate(lab('nat'), { client: hostId('client'), service: serviceId('web'), previousConnections: k }).realServer);
    expect(order).toEqual(['web-rs2', 'web-rs1', 'web-rs2', 'web-rs1']);
    const t0 = lab('dr');
    const sticky = { ...t0, services: t0.services.map((s) => ({ ...s, scheduler: 'rr' as const, persistence: { timeout: 300 } })) };
    const first = simulate(sticky, { client: hostId('client'), service: serviceId('web') });
    const later = simulate(sticky, { client: hostId('client'), service: serviceId('web'), previousConnections: 3 });
    expect(later.realServer).toBe(first.realServer);
    expect(first.conn?.template?.reused).toBe(false);
    expect(later.conn?.template?.reused).toBe(true);
    expect(later.steps.find((s) => s.kind === 'schedule')?.narration.en).toMatch(/persistence template/);
  });

  it('a forced real server is used, and narrated as such', () => {
    const t = simulate(lab('nat'), { client: hostId('client'), service: serviceId('web'), realServer: realServerId('web-rs1') });
    expect(t.realServer).toBe('web-rs1');
    expect(t.steps.find((s) => s.kind === 'schedule')?.narration.en).toMatch(/chosen by hand/);
  });
});

describe('faults break the flow where a real network breaks it', () => {
  it("NAT with the real servers' gateway elsewhere: the reply bypasses the director, the client drops it", () => {
    let t0 = lab('nat');
    t0 = {
      ...t0,
      hosts: [
        ...t0.hosts.map((h) => (h.role === 'real-server' ? { ...h, gateway: '192.168.111.1' } : h)),
        {
          id: hostId('router'),
          name: 'router',
          role: 'router',
          sysctl: { ipForward: true },
          interfaces: [
            { id: interfaceId('router-eth0'), name: 'eth0', kind: 'ethernet', segment: segmentId('public'), addresses: ['172.16.111.1/24'] },
            { id: interfaceId('router-eth1'), name: 'eth1', kind: 'ethernet', segment: segmentId('lan'), addresses: ['192.168.111.1/24'] },
          ],
        },
      ],
    };
    const t = simulate(t0, { client: hostId('client'), service: serviceId('web') }, { seed: 1 });
    expect(fault(t)).toBe('nat-reply-bypasses-director');
    const last = t.steps[t.steps.length - 1]!;
    expect(last).toMatchObject({ kind: 'drop', phase: 'reply', place: { kind: 'host', host: 'client' } });
    expect(last.packet?.ip?.src).toBe(t.conn!.dest.address);
    expect(t.outcome.narration.en).toMatch(/gateway/);
  });

  it('DR real servers with the director as gateway: the director drops the VIP-sourced reply as a martian', () => {
    let t0 = lab('dr');
    for (const id of ['rs1', 'rs2']) t0 = editHost(t0, id, (h) => ({ ...h, gateway: '192.168.163.101' }));
    t0 = editHost(t0, 'director', (h) => ({ ...h, sysctl: { ipForward: true } }));
    const t = simulate(t0, { client: hostId('client'), service: serviceId('web') });
    expect(fault(t)).toBe('reply-via-director');
    expect(t.steps[t.steps.length - 1]).toMatchObject({ kind: 'drop', phase: 'reply', place: { host: 'director' } });
    expect(t.steps[t.steps.length - 1]!.narration.en).toMatch(/martian/);
  });

  it('NAT director without ip_forward drops the reply', () => {
    const t = simulate(
      editHost(lab('nat'), 'director', (h) => ({ ...h, sysctl: { ipForward: false } })),
      { client: hostId('client'), service: serviceId('web') },
    );
    expect(fault(t)).toBe('no-ip-forward');
    expect(t.steps[t.steps.length - 1]).toMatchObject({ kind: 'drop', phase: 'reply', place: { host: 'director' } });
  });

  it('DR on one segment without arp_ignore: the real servers answer ARP for the VIP — a race', () => {
    const rs = (n: number): Host => ({
      id: hostId(`rs${n}`),
      name: `rs${n}`,
      role: 'real-server',
      interfaces: [
        { id: interfaceId(`rs${n}-lo`), name: 'lo', kind: 'loopback', segment: null, addresses: ['10.0.0.100/32'] },
        { id: interfaceId(`rs${n}-eth0`), name: 'eth0', kind: 'ethernet', segment: segmentId('lan'), addresses: [`10.0.0.1${n}/24`] },
      ],
    });
    const flat: Topology = {
      name: 'flat DR',
      segments: [{ id: segmentId('lan'), name: 'lan', cidr: '10.0.0.0/24' }],
      hosts: [
        {
          id: hostId('client'),
          name: 'client',
          role: 'client',
          interfaces: [{ id: interfaceId('c-eth0'), name: 'eth0', kind: 'ethernet', segment: segmentId('lan'), addresses: ['10.0.0.5/24'] }],
        },
        {
          id: hostId('director'),
          name: 'director',
          role: 'director',
          interfaces: [{ id: interfaceId('d-eth0'), name: 'eth0', kind: 'ethernet', segment: segmentId('lan'), addresses: ['10.0.0.2/24', '10.0.0.100/24'] }],
        },
        rs(1),
        rs(2),
      ],
      services: [
        {
          id: serviceId('web'),
          director: directorRef('director'),
          protocol: 'tcp',
          vip: '10.0.0.100',
          port: 80,
          scheduler: 'rr',
          realServers: [
            { id: realServerId('a'), host: hostId('rs1'), rip: '10.0.0.11', port: 80, method: 'dr', weight: 1 },
            { id: realServerId('b'), host: hostId('rs2'), rip: '10.0.0.12', port: 80, method: 'dr', weight: 1 },
          ],
        },
      ],
    };
    const outcomes = new Set<string>();
    for (let seed = 1; seed <= 30; seed++) {
      const t = simulate(flat, { client: hostId('client'), service: serviceId('web') }, { seed });
      const firstArp = t.steps.filter((s) => s.kind === 'arp-reply' && s.packet?.arp?.senderIp === '10.0.0.100');
      expect(firstArp.length).toBe(3);
      expect(t.warnings.some((w) => w.fault === 'arp-race')).toBe(true);
      expect(fault(t)).toBe('arp-race');
      outcomes.add(t.conn ? 'director won' : 'real server won');
    }
    // Whoever wins this run, a race is never a working design (the walk and the checker agree).
    expect(outcomes).toEqual(new Set(['director won', 'real server won']));
    // With arp_ignore=1 on the real servers only the director answers.
    const fixed: Topology = { ...flat, hosts: flat.hosts.map((h) => (h.role === 'real-server' ? { ...h, sysctl: { arpIgnore: 1, arpAnnounce: 2 } } : h)) };
    for (let seed = 1; seed <= 10; seed++) {
      const t = simulate(fixed, { client: hostId('client'), service: serviceId('web') }, { seed });
      expect(t.outcome.status).toBe('ok');
      expect(t.warnings).toEqual([]);
    }
  });

  it("DR with the real server off the director's segment: ARP for the RIP goes unanswered", () => {
    const t0 = editHost(lab('dr'), 'director', (h) => ({ ...h, interfaces: h.interfaces.filter((f) => f.id !== 'director-eth1') }));
    const t = simulate(t0, { client: hostId('client'), service: serviceId('web') });
    expect(fault(t)).toBe('dr-no-l2-path');
    const last = t.steps[t.steps.length - 1]!;
    expect(last.kind).toBe('drop');
    expect(t.steps.some((s) => s.kind === 'arp-request' && s.packet?.arp?.targetIp === t.conn!.dest.address)).toBe(true);
  });

  it('TUN with strict rp_filter: the real server drops the decapsulated packet', () => {
    let t0 = lab('tun');
    for (const id of ['rs1', 'rs2']) t0 = editHost(t0, id, (h) => ({ ...h, sysctl: { ...h.sysctl, rpFilter: 1 } }));
    const t = simulate(t0, { client: hostId('client'), service: serviceId('web') });
    expect(fault(t)).toBe('rp-filter');
    const i = t.steps.findIndex((s) => s.kind === 'decapsulate');
    expect(i).toBeGreaterThan(0);
    expect(t.steps[t.steps.length - 1]).toMatchObject({ kind: 'drop', place: { iface: `${t.realServer === 'web-rs1' ? 'rs1' : 'rs2'}-tunl0` } });
  });

  it('TUN without tunl0, and with tunl0 but no VIP', () => {
    let noTun = lab('tun');
    for (const id of ['rs1', 'rs2']) noTun = editHost(noTun, id, (h) => ({ ...h, interfaces: h.interfaces.filter((f) => f.kind !== 'ipip') }));
    expect(fault(simulate(noTun, { client: hostId('client'), service: serviceId('web') }))).toBe('no-ipip-tunnel');
    let noVip = lab('tun');
    for (const id of ['rs1', 'rs2']) noVip = editHost(noVip, id, (h) => editIface(h, `${id}-tunl0`, (f) => ({ ...f, addresses: [] })));
    expect(fault(simulate(noVip, { client: hostId('client'), service: serviceId('web') }))).toBe('missing-vip-on-rs');
  });

  it('DR without the VIP on lo: the real server drops the request', () => {
    let t0 = lab('dr');
    for (const id of ['rs1', 'rs2']) t0 = editHost(t0, id, (h) => editIface(h, `${id}-lo`, (f) => ({ ...f, addresses: [] })));
    const t = simulate(t0, { client: hostId('client'), service: serviceId('web') });
    expect(fault(t)).toBe('missing-vip-on-rs');
    expect(t.outcome.status === 'broken' && t.outcome.narration.zh).toMatch(/lo/);
  });

  it('DR without the VIP but with ip_forward: the request loops through IPVS until the TTL runs out', () => {
    let t0 = lab('dr');
    for (const id of ['rs1', 'rs2'])
      t0 = editHost(t0, id, (h) => ({ ...editIface(h, `${id}-lo`, (f) => ({ ...f, addresses: [] })), sysctl: { ...h.sysctl, ipForward: true } }));
    const t = simulate(t0, { client: hostId('client'), service: serviceId('web') });
    expect(fault(t)).toBe('missing-vip-on-rs');
    const last = t.steps[t.steps.length - 1]!;
    expect(last.kind).toBe('drop');
    expect(last.narration.en).toMatch(/TTL/);
    expect(t.steps.filter((s) => s.kind === 'schedule').length).toBeGreaterThan(10);
  });

  it('quiesced and missing real servers: no destination available', () => {
    const t0 = lab('nat');
    const quiet = { ...t0, services: t0.services.map((s) => ({ ...s, realServers: s.realServers.map((r) => ({ ...r, weight: 0 })) })) };
    expect(fault(simulate(quiet, { client: hostId('client'), service: serviceId('web') }))).toBe('all-quiesced');
    const empty = { ...t0, services: t0.services.map((s) => ({ ...s, realServers: [] })) };
    expect(fault(simulate(empty, { client: hostId('client'), service: serviceId('web') }))).toBe('no-real-server');
    // One quiesced server: the scheduler never picks it.
    const one = { ...t0, services: t0.services.map((s) => ({ ...s, realServers: s.realServers.map((r) => (r.id === 'web-rs2' ? { ...r, weight: 0 } : r)) })) };
    for (let seed = 1; seed < 5; seed++) expect(simulate(one, { client: hostId('client'), service: serviceId('web') }, { seed }).realServer).toBe('web-rs1');
  });

  it('sh without fallback refuses a client whose bucket belongs to a quiesced server', () => {
    const t0 = lab('nat');
    const shOf = (weights: Record<string, number>, flags: 'sh-fallback'[] = []) => ({
      ...t0,
      services: t0.services.map((s) => ({
        ...s,
        scheduler: 'sh' as const,
        schedulerFlags: flags,
        realServers: s.realServers.map((r) => ({ ...r, weight: weights[r.id] ?? 1 })),
      })),
    });
    const owner = simulate(shOf({}), { client: hostId('client'), service: serviceId('web') }).realServer!;
    const t = simulate(shOf({ [owner]: 0 }), { client: hostId('client'), service: serviceId('web') });
    expect(fault(t)).toBe('no-real-server');
    expect(t.outcome.narration.en).toMatch(/bucket \d+/);
    const other = simulate(shOf({ [owner]: 0 }, ['sh-fallback']), { client: hostId('client'), service: serviceId('web') });
    expect(other.outcome.status).toBe('ok');
    expect(other.realServer).not.toBe(owner);
  });

  it('client on the director: NAT still answers, DR does not', () => {
    expect(simulate(lab('nat'), { client: hostId('director'), service: serviceId('web') }).outcome.status).toBe('ok');
    expect(fault(simulate(lab('dr'), { client: hostId('director'), service: serviceId('web') }))).toBe('client-on-director');
  });

  it('VIP not on the director: nobody answers ARP for it', () => {
    const t0 = lab('nat');
    const t1 = { ...t0, services: t0.services.map((s) => ({ ...s, vip: '172.16.111.124' })) };
    const t = simulate(t1, { client: hostId('client'), service: serviceId('web') });
    expect(fault(t)).toBe('vip-not-on-director');
    expect(t.steps[t.steps.length - 1]).toMatchObject({ kind: 'drop', place: { kind: 'link' } });
  });

  it('bad input gives a reason, not an exception', () => {
    expect(fault(simulate(lab('nat'), { client: hostId('client'), service: serviceId('1.2.3.4:80') }))).toBe('no-service');
    expect(fault(simulate(lab('nat'), { client: hostId('nobody'), service: serviceId('web') }))).toBe('no-service');
    expect(fault(simulate(lab('nat'), { client: hostId('client'), service: serviceId('web') }, { maxSteps: 12 }))).toBe('step-limit');
  });
});

describe('robustness', () => {
  it('never throws on mangled designs and always ends with an outcome', () => {
    // A deterministic mutation generator over the three labs: drop addresses, swap gateways,
    // flip sysctls, unplug interfaces, change methods.
    let x = 12345;
    const rnd = (n: number): number => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return (x >>> 8) % n;
    };
    const methods = ['nat', 'dr', 'tun'] as const;
    for (let i = 0; i < 300; i++) {
      let t = lab(methods[i % 3]!);
      const hosts = t.hosts.map((h) => {
        let hh: Host = h;
        if (rnd(4) === 0) hh = { ...hh, gateway: ['10.9.9.9', '192.168.111.200', '', '172.18.0.1', '192.168.163.1'][rnd(5)]! };
        if (rnd(4) === 0) hh = { ...hh, sysctl: { ipForward: rnd(2) === 0, rpFilter: rnd(3), arpIgnore: rnd(3), arpAnnounce: rnd(3) } };
        hh = {
          ...hh,
          interfaces: hh.interfaces.map((f) => {
            let ff: Interface = f;
            if (rnd(6) === 0) ff = { ...ff, addresses: ff.addresses.slice(1) };
            if (rnd(8) === 0 && ff.kind === 'ethernet') ff = { ...ff, segment: rnd(2) === 0 ? null : t.segments[rnd(t.segments.length)]!.id };
            return ff;
          }),
        };
        return hh;
      });
      t = {
        ...t,
        hosts,
        services: t.services.map((s) => ({
          ...s,
          scheduler: (['rr', 'wrr', 'wlc', 'sh', 'mh', 'lblcr', 'twos'] as const)[rnd(7)]!,
          realServers: s.realServers.map((r) => ({ ...r, method: methods[rnd(3)]!, weight: rnd(3) })),
        })),
      };
      const clients = t.hosts.map((h) => h.id);
      const trace = simulate(t, { client: clients[rnd(clients.length)]!, service: serviceId('web') }, { seed: i });
      expect(trace.outcome.status === 'ok' || (trace.outcome.status === 'broken' && trace.outcome.fault.length > 0)).toBe(true);
      expect(trace.steps.length).toBeLessThanOrEqual(1000);
      for (const st of trace.steps) {
        expect(st.narration.en.length).toBeGreaterThan(10);
        expect(st.narration.zh).toMatch(/[\u4e00-\u9fff]/);
      }
      expect(trace.outcome.narration.zh).toMatch(/[\u4e00-\u9fff]/);
      if (trace.outcome.status === 'broken' && trace.outcome.stepIndex !== undefined) expect(trace.steps[trace.outcome.stepIndex]?.kind).toBe('drop');
    }
  });
});
