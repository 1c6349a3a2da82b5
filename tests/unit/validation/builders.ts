/**
 * Tiny fixture builders for rule tests: the three seed labs of shared/model/labs.ts, plus `edit` to
 * derive a broken variant in one line (`edit(natLab(), (d) => { host(d, 'rs1').gateway = '192.168.111.1'; })`).
 */
import type { Host, Interface, RealServer, Topology, VirtualService } from '../../../shared/model/types.ts';
import { drLab, ethernet, ipipTunnel, loopback, natLab, realServerEntry, tunLab } from '../../../shared/model/labs.ts';
import type { Problem } from '../../../shared/validation/index.ts';
import { validate } from '../../../shared/validation/index.ts';
import { realServerId, segmentId } from '../../../shared/model/ids.ts';

type DeepMutable<T> = T extends string
  ? T
  : T extends readonly (infer U)[]
    ? DeepMutable<U>[]
    : T extends object
      ? { -readonly [K in keyof T]: DeepMutable<T[K]> }
      : T;
export type Draft = DeepMutable<Topology>;
export type HostDraft = DeepMutable<Host>;
export type IfaceDraft = DeepMutable<Interface>;
export type ServiceDraft = DeepMutable<VirtualService>;
export type RealServerDraft = DeepMutable<RealServer>;

/** Copies a topology, lets `fn` change the copy, returns it. */
export function edit(t: Topology, fn: (d: Draft) => void): Topology {
  const d = structuredClone(t) as Draft;
  fn(d);
  return d as Topology;
}

export const host = (d: Draft, id: string): HostDraft => {
  const h = d.hosts.find((x) => x.id === id);
  if (!h) throw new Error(`no host ${id}`);
  return h;
};
export const iface = (d: Draft, hostId: string, name: string): IfaceDraft => {
  const f = host(d, hostId).interfaces.find((x) => x.name === name);
  if (!f) throw new Error(`no interface ${hostId}/${name}`);
  return f;
};
export const service = (d: Draft, id: string): ServiceDraft => {
  const s = d.services.find((x) => x.id === id);
  if (!s) throw new Error(`no service ${id}`);
  return s;
};
export const realServer = (d: Draft, serviceId: string, hostId: string): RealServerDraft => {
  const r = service(d, serviceId).realServers.find((x) => x.host === hostId);
  if (!r) throw new Error(`no real server ${hostId} in ${serviceId}`);
  return r;
};
/** Sets a scheduler by name, including names IPVS does not know (files may contain any string). */
export const setScheduler = (d: Draft, serviceId: string, name: string): void => {
  (service(d, serviceId) as { scheduler: string }).scheduler = name;
};
export const removeHost = (d: Draft, id: string): void => {
  d.hosts = d.hosts.filter((h) => h.id !== id);
  for (const s of d.services) s.realServers = s.realServers.filter((r) => r.host !== id);
};

// The shared building blocks, typed as drafts so tests can push them into an `edit` draft.
export const eth = (hostId: string, name: string, segment: string | null, addresses: string[], extra: Partial<IfaceDraft> = {}): IfaceDraft =>
  ethernet(hostId, name, segment, addresses, extra as Partial<Interface>) as IfaceDraft;
export const lo = (hostId: string, addresses: string[] = [], extra: Partial<IfaceDraft> = {}): IfaceDraft =>
  loopback(hostId, addresses, extra as Partial<Interface>) as IfaceDraft;
export const tunl0 = (hostId: string, addresses: string[], extra: Partial<IfaceDraft> = {}): IfaceDraft =>
  ipipTunnel(hostId, addresses, extra as Partial<Interface>) as IfaceDraft;
export const rs = realServerEntry;

/** The seed labs (minimal edition) of shared/model/labs.ts. */
export { drLab, natLab, tunLab };

/** DR on one LAN: client, router, director and real servers all on `public` (the classic single-segment LVS-DR). */
export function drOneLan(): Topology {
  return edit(drLab(), (d) => {
    for (const [id, ip] of [
      ['rs1', '172.17.253.102'],
      ['rs2', '172.17.253.103'],
    ] as const) {
      const f = iface(d, id, 'eth0');
      f.segment = segmentId('public');
      f.addresses = [`${ip}/24`];
      host(d, id).gateway = '172.17.253.1';
      realServer(d, 'web', id).rip = ip;
    }
  });
}

/** The problems one rule reports for a topology. */
export const problemsOf = (t: Topology, ruleId: string): Problem[] => validate(t).filter((p) => p.rule === ruleId);

/** Rule ids of all problems, for "nothing else fired" assertions. */
export const ruleIds = (t: Topology): string[] => validate(t).map((p) => p.rule);

const ADDRESSES = [
  '192.168.111.101/24',
  '192.168.111.200/24',
  '172.16.111.123/24',
  '172.17.253.100/32',
  '10.20.0.11/24',
  '10.20.0.1/24',
  '0.0.0.0/0',
  '192.168.111.0/24',
  '192.168.111.255/24',
  '192.168.111.2000/24',
  '1172.17.253.100/24',
  '',
  'garbage',
  '10.0.0.1',
  '10.0.0.1/33',
  '172.18.0.100/32',
];
const BARE = [
  '192.168.111.200',
  '192.168.111.1',
  '172.17.253.100',
  '172.18.0.100',
  '10.20.0.1',
  '192.168.111.2000',
  '1172.17.253.100',
  '',
  '0.0.0.0',
  '255.255.255.255',
  'x',
];
const CIDRS = ['192.168.111.0/24', '172.16.0.0/12', '10.0.0.0/8', '0.0.0.0/0', '192.168.111.7/24', 'bad', '172.18.0.0/24', '10.20.0.0/30'];
const SCHEDULERS = ['rr', 'wrr', 'wlc', 'sh', 'mh', 'dh', 'nope'];

/** Applies 1-6 random, seeded kinds of damage (bad addresses, wrong methods, missing settings...) to a copy of `t`. */
export function damage(t: Topology, seed: number): Topology {
  let s = seed >>> 0;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  return edit(t, (d: Draft) => {
    const steps = 1 + Math.floor(rnd() * 6);
    for (let i = 0; i < steps; i++) {
      const h = pick(d.hosts);
      const f = h.interfaces.length ? pick(h.interfaces) : undefined;
      const svc = d.services.length ? pick(d.services) : undefined;
      const r = svc && svc.realServers.length ? pick(svc.realServers) : undefined;
      switch (Math.floor(rnd() * 20)) {
        case 0:
          if (f) f.addresses = [pick(ADDRESSES)];
          break;
        case 1:
          if (f) f.addresses.push(pick(ADDRESSES));
          break;
        case 2:
          h.gateway = rnd() < 0.2 ? undefined : pick(BARE);
          break;
        case 3:
          h.routes = [{ destination: pick(CIDRS), via: pick(BARE) }];
          break;
        case 4:
          if (f && f.kind === 'ethernet') f.segment = rnd() < 0.3 ? null : pick(d.segments).id;
          break;
        case 5:
          h.sysctl = { ipForward: rnd() < 0.5, arpIgnore: Math.floor(rnd() * 3), arpAnnounce: Math.floor(rnd() * 3), rpFilter: Math.floor(rnd() * 3) };
          break;
        case 6:
          if (f) f.sysctl = rnd() < 0.5 ? undefined : { rpFilter: Math.floor(rnd() * 3) };
          break;
        case 7:
          if (r) r.method = pick(['nat', 'dr', 'tun'] as const);
          break;
        case 8:
          if (r) r.rip = pick(BARE);
          break;
        case 9:
          if (svc) svc.vip = pick(BARE);
          break;
        case 10:
          if (svc) (svc as { scheduler: string }).scheduler = pick(SCHEDULERS);
          break;
        case 11:
          if (svc) svc.port = pick([0, 80, 443]);
          break;
        case 12:
          if (r) {
            r.port = pick([0, 80, 8080]);
            r.weight = pick([0, 1, 5]);
          }
          break;
        case 13:
          if (r) {
            r.upperThreshold = pick([0, 10, 100]);
            r.lowerThreshold = pick([0, 50, 200]);
          }
          break;
        case 14:
          if (svc && r) svc.realServers.push({ ...r, id: realServerId(`${r.id}-dup${i}`) });
          break;
        case 15:
          if (svc) svc.persistence = rnd() < 0.5 ? undefined : { timeout: 300, netmask: pick(['255.255.255.0', '255.0.255.0', 'x']) };
          break;
        case 16:
          if (svc) {
            svc.protocol = pick(['tcp', 'udp', 'fwmark'] as const);
            svc.fwmark = rnd() < 0.5 ? undefined : 7;
          }
          break;
        case 17:
          h.role = pick(['client', 'director', 'real-server', 'router'] as const);
          break;
        case 18:
          if (f) f.mac = pick(['52:54:00:00:00:01', 'zz', '52:54:00:00:00:02']);
          break;
        case 19:
          if (svc && rnd() < 0.5) svc.realServers = [];
          else if (f) {
            f.mtu = pick([1400, 1500, 9000]);
          }
          break;
      }
    }
  });
}
