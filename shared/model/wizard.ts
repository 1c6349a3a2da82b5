/**
 * The "New from wizard" builder: a complete LVS lab (client, director, router where the method
 * needs one, N real servers, two segments, one service) from a handful of choices, set up the way
 * the method needs it (NAT: gateway = DIP and ip_forward; DR: VIP on lo, ARP sysctls, gateway =
 * router; TUN: VIP on tunl0, rp_filter 0, MTU 1480, real servers behind a router), and laid out in
 * columns. The defaults are the seed article's labs. Pure: no I/O, deterministic.
 */
import { contains, formatIPv4, parseCidr, parseIPv4 } from '../addressing/ipv4.ts';
import type { Design } from './commands.ts';
import { freshId, moveAddressTo, setHostSysctl, usedIds } from './commands.ts';
import type { ForwardingMethod, Host, Interface, Layout, Position, RealServer, Segment, Topology, VirtualService } from './types.ts';
import { directorRef, hostId, interfaceId, realServerId, segmentId, serviceId, hostId as toHostId } from './ids.ts';

/** What the wizard asks. Addresses are bare IPv4 (`172.17.253.100`); CIDRs are `a.b.c.d/n`. */
export interface WizardOptions {
  readonly method: ForwardingMethod;
  /** Number of real servers, 1..16. */
  readonly realServers: number;
  readonly vip: string;
  readonly port: number;
  readonly scheduler: string;
  /** The clients' segment, where the VIP lives. */
  readonly frontCidr: string;
  /** The real servers' segment. */
  readonly backCidr: string;
  /** The director's address on the back segment (NAT/DR: DIP, the NAT gateway); TUN: its own front address. */
  readonly dip: string;
  /** The first real server's address; the next ones count up from it. */
  readonly firstRip: string;
  /** DR/TUN: the router's address on the front segment (the client's and director's gateway). */
  readonly routerFront: string;
  /** DR/TUN: the router's address on the back segment (the real servers' gateway). */
  readonly routerBack: string;
  readonly client: string;
}

/** The seed article's labs as wizard defaults. */
export const WIZARD_DEFAULTS: Readonly<Record<ForwardingMethod, WizardOptions>> = {
  nat: {
    method: 'nat',
    realServers: 2,
    vip: '172.16.111.123',
    port: 80,
    scheduler: 'wrr',
    frontCidr: '172.16.111.0/24',
    backCidr: '192.168.111.0/24',
    dip: '192.168.111.200',
    firstRip: '192.168.111.101',
    routerFront: '',
    routerBack: '',
    client: '172.16.111.13',
  },
  dr: {
    method: 'dr',
    realServers: 2,
    vip: '172.17.253.100',
    port: 80,
    scheduler: 'wrr',
    frontCidr: '172.17.253.0/24',
    backCidr: '192.168.163.0/24',
    dip: '192.168.163.101',
    firstRip: '192.168.163.102',
    routerFront: '172.17.253.1',
    routerBack: '192.168.163.1',
    client: '172.17.253.13',
  },
  tun: {
    method: 'tun',
    realServers: 2,
    vip: '172.18.0.100',
    port: 80,
    scheduler: 'wrr',
    frontCidr: '172.18.0.0/24',
    backCidr: '10.20.0.0/24',
    dip: '172.18.0.10',
    firstRip: '10.20.0.11',
    routerFront: '172.18.0.1',
    routerBack: '10.20.0.1',
    client: '172.18.0.13',
  },
};

/** The most real servers the wizard builds (a column that still fits a screen). */
export const WIZARD_MAX_REAL_SERVERS = 16;

const prefixOf = (cidr: string): string => cidr.split('/')[1] ?? '24';

/** The n-th address after `first` (stops at the end of the address space). */
function nth(first: string, n: number): string {
  const v = parseIPv4(first);
  return v === null ? first : formatIPv4(Math.min(0xffffffff, v + n) >>> 0);
}

/** Column positions of the layout (x of each column, vertical step of the real servers). */
export const WIZARD_COLUMNS = { client: 0, front: 240, director: 440, back: 700, realServers: 900, step: 130 } as const;

/** Builds the wizard's design (see the module comment). Values are used as typed: the checker reports bad ones. */
export function wizardDesign(o: WizardOptions, name: string): Design {
  const n = Math.max(1, Math.min(WIZARD_MAX_REAL_SERVERS, Math.floor(o.realServers)));
  const fp = prefixOf(o.frontCidr);
  const bp = prefixOf(o.backCidr);
  const segments: Segment[] = [
    { id: segmentId('front'), name: o.method === 'nat' ? 'public' : 'front network', cidr: o.frontCidr },
    { id: segmentId('back'), name: o.method === 'tun' ? 'remote network' : 'real-server network', cidr: o.backCidr },
  ];
  const lo = (id: string, addresses: string[] = [], sysctl?: Interface['sysctl']): Interface => ({
    id: interfaceId(`${id}-lo`),
    name: 'lo',
    kind: 'loopback',
    segment: null,
    addresses,
    ...(sysctl ? { sysctl } : {}),
  });
  const eth = (id: string, name: string, segment: string, addresses: string[], extra: Partial<Interface> = {}): Interface => ({
    id: interfaceId(`${id}-${name}`),
    name,
    kind: 'ethernet',
    segment: segmentId(segment),
    addresses,
    ...extra,
  });
  const hasRouter = o.method !== 'nat';
  const hosts: Host[] = [
    {
      id: hostId('client'),
      name: 'client',
      role: 'client',
      gateway: hasRouter ? o.routerFront : o.vip,
      interfaces: [lo('client'), eth('client', 'eth0', 'front', [`${o.client}/${fp}`])],
    },
  ];
  if (hasRouter) {
    hosts.push({
      id: hostId('router'),
      name: 'router',
      role: 'router',
      sysctl: { ipForward: true },
      interfaces: [lo('router'), eth('router', 'eth0', 'front', [`${o.routerFront}/${fp}`]), eth('router', 'eth1', 'back', [`${o.routerBack}/${bp}`])],
    });
  }
  const director: Host =
    o.method === 'nat'
      ? {
          id: hostId('director'),
          name: 'director',
          role: 'director',
          sysctl: { ipForward: true },
          interfaces: [lo('director'), eth('director', 'eth0', 'front', [`${o.vip}/${fp}`]), eth('director', 'eth1', 'back', [`${o.dip}/${bp}`])],
        }
      : o.method === 'dr'
        ? {
            id: hostId('director'),
            name: 'director',
            role: 'director',
            gateway: o.routerFront,
            interfaces: [lo('director'), eth('director', 'eth0', 'front', [`${o.vip}/${fp}`]), eth('director', 'eth1', 'back', [`${o.dip}/${bp}`])],
          }
        : {
            id: hostId('director'),
            name: 'director',
            role: 'director',
            gateway: o.routerFront,
            interfaces: [lo('director'), eth('director', 'eth0', 'front', [`${o.dip}/${fp}`, `${o.vip}/${fp}`])],
          };
  hosts.push(director);
  const realServers: RealServer[] = [];
  const rsIds: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `rs${i + 1}`;
    rsIds.push(id);
    const rip = nth(o.firstRip, i);
    let host: Host;
    if (o.method === 'nat') {
      host = { id: hostId(id), name: id, role: 'real-server', gateway: o.dip, interfaces: [lo(id), eth(id, 'eth0', 'back', [`${rip}/${bp}`])] };
    } else if (o.method === 'dr') {
      const arp = { arpIgnore: 1, arpAnnounce: 2 };
      host = {
        id: hostId(id),
        name: id,
        role: 'real-server',
        gateway: o.routerBack,
        sysctl: arp,
        interfaces: [lo(id, [`${o.vip}/32`], arp), eth(id, 'eth0', 'back', [`${rip}/${bp}`], { sysctl: arp })],
      };
    } else {
      const sys = { arpIgnore: 1, arpAnnounce: 2, rpFilter: 0 };
      host = {
        id: hostId(id),
        name: id,
        role: 'real-server',
        gateway: o.routerBack,
        sysctl: sys,
        interfaces: [
          lo(id),
          { id: interfaceId(`${id}-tunl0`), name: 'tunl0', kind: 'ipip', segment: null, addresses: [`${o.vip}/32`], sysctl: { rpFilter: 0 } },
          // 20 bytes of IPIP header: a 1480-byte MTU keeps the inner packets from fragmenting.
          eth(id, 'eth0', 'back', [`${rip}/${bp}`], { sysctl: sys, mtu: 1480 }),
        ],
      };
    }
    hosts.push(host);
    realServers.push({ id: realServerId(`web-${id}`), host: hostId(id), rip, port: o.port, method: o.method, weight: 1 });
  }
  const service: VirtualService = {
    id: serviceId('web'),
    name: 'web',
    director: directorRef('director'),
    protocol: 'tcp',
    vip: o.vip,
    port: o.port,
    scheduler: o.scheduler as VirtualService['scheduler'],
    realServers,
  };
  const topology: Topology = { name, segments, hosts, services: [service] };
  const c = WIZARD_COLUMNS;
  const rsTop = 20;
  const middle = rsTop + ((n - 1) * c.step) / 2;
  const positions: Record<string, Position> = {
    client: { x: c.client, y: middle },
    director: { x: c.director, y: hasRouter ? middle - 90 : middle },
  };
  if (hasRouter) positions.router = { x: c.director, y: middle + 110 };
  rsIds.forEach((id, i) => (positions[id] = { x: c.realServers, y: rsTop + i * c.step }));
  // A bar starts a little above its highest card, so every link meets it straight (the links
  // leave the cards 24 px below their top).
  const top = (ids: string[]) => Math.min(...ids.map((id) => positions[id]!.y)) - 20;
  positions.front = { x: c.front, y: top(['client', 'director', ...(hasRouter ? ['router'] : [])]) };
  positions.back = { x: c.back, y: top(['director', ...(hasRouter ? ['router'] : []), ...rsIds]) };
  const layout: Layout = { positions };
  return { topology, layout };
}

/**
 * The director must hold the VIP: when none of its interfaces has it, it is added to the interface
 * on the segment whose subnet contains it (with that prefix), as a student expects the wizard to do.
 */
function vipOnDirector(t: Topology, directorId: string, vip: string): Topology {
  const director = t.hosts.find((h) => h.id === directorId);
  if (!director || parseIPv4(vip) === null) return t;
  if (director.interfaces.some((f) => f.addresses.some((a) => a.split('/')[0] === vip))) return t;
  const front = director.interfaces.find((f) => {
    const seg = t.segments.find((x) => x.id === f.segment);
    const cidr = seg ? parseCidr(seg.cidr) : null;
    return f.kind === 'ethernet' && cidr !== null && contains(cidr, vip);
  });
  if (!front) return t;
  const prefix = parseCidr(t.segments.find((x) => x.id === front.segment)!.cidr)!.prefix;
  return {
    ...t,
    hosts: t.hosts.map((h) =>
      h.id === directorId
        ? { ...h, interfaces: h.interfaces.map((f) => (f.id === front.id ? { ...f, addresses: [...f.addresses, `${vip}/${prefix}`] } : f)) }
        : h,
    ),
  };
}

/**
 * A DR or TUN real server answers clients directly, so it needs a way back to them: when it has no
 * default gateway yet and a router shares one of its segments, that router becomes its gateway.
 */
function gatewayViaRouter(t: Topology, hostId: string): Topology {
  const host = t.hosts.find((h) => h.id === hostId);
  if (!host || host.gateway !== undefined) return t;
  for (const f of host.interfaces) {
    if (f.kind !== 'ethernet' || f.segment === null) continue;
    for (const r of t.hosts) {
      if (r.role !== 'router' || r.id === hostId) continue;
      const via = r.interfaces.find((g) => g.segment === f.segment && g.addresses.length > 0)?.addresses[0]?.split('/')[0];
      if (via !== undefined && parseIPv4(via) !== null) return { ...t, hosts: t.hosts.map((h) => (h.id === hostId ? { ...h, gateway: via } : h)) };
    }
  }
  return t;
}

/** What "add a service" asks: the director, the hosts to balance over, and the service itself. */
export interface AddServiceOptions {
  readonly director: string;
  readonly hosts: readonly string[];
  readonly method: ForwardingMethod;
  readonly vip: string;
  readonly port: number;
  readonly scheduler: string;
}

/**
 * Adds a service to an existing design and sets its real servers up for the method (DR: VIP on
 * lo as /32 and the ARP sysctls; TUN: VIP on tunl0, rp_filter 0; NAT: ip_forward on the director,
 * each real server's gateway = the director's address on their shared segment), and the VIP on the
 * director when it does not hold it yet; DR and TUN real servers without a gateway get the router on
 * their segment as one. One edit.
 */
export function addServiceWithServers(t: Topology, o: AddServiceOptions): { topology: Topology; id: string } {
  const taken = usedIds(t);
  const id = freshId(`svc-${o.vip}-${o.port}`, taken);
  const director = t.hosts.find((h) => h.id === o.director);
  const dirSegs = new Map<string, string>();
  for (const f of director?.interfaces ?? []) if (f.segment !== null && f.addresses[0]) dirSegs.set(f.segment, f.addresses[0].split('/')[0]!);
  let next = t;
  const realServers: RealServer[] = [];
  for (const hostId of o.hosts) {
    const host = next.hosts.find((h) => h.id === hostId);
    if (!host) continue;
    const eth = host.interfaces.filter((f) => f.kind === 'ethernet' && f.addresses.length > 0);
    const shared = eth.find((f) => f.segment !== null && dirSegs.has(f.segment));
    const ripIface = shared ?? eth[0];
    const rip = ripIface?.addresses[0]?.split('/')[0] ?? '';
    realServers.push({ id: realServerId(freshId(`${id}-${hostId}`, taken)), host: toHostId(hostId), rip, port: o.port, method: o.method, weight: 1 });
    if (o.method === 'dr') next = setHostSysctl(moveAddressTo(next, toHostId(hostId), o.vip, 'loopback'), toHostId(hostId), { arpIgnore: 1, arpAnnounce: 2 });
    else if (o.method === 'tun')
      next = setHostSysctl(moveAddressTo(next, toHostId(hostId), o.vip, 'ipip'), toHostId(hostId), { arpIgnore: 1, arpAnnounce: 2, rpFilter: 0 });
    else if (shared) next = { ...next, hosts: next.hosts.map((h) => (h.id === hostId ? { ...h, gateway: dirSegs.get(shared.segment!)! } : h)) };
  }
  if (o.method === 'nat' && director) next = setHostSysctl(next, director.id, { ipForward: true });
  if (o.method !== 'nat') for (const hostId of o.hosts) next = gatewayViaRouter(next, hostId);
  next = vipOnDirector(next, o.director, o.vip);
  const service: VirtualService = {
    id: serviceId(id),
    director: directorRef(o.director),
    protocol: 'tcp',
    vip: o.vip,
    port: o.port,
    scheduler: o.scheduler as VirtualService['scheduler'],
    realServers,
  };
  return { topology: { ...next, services: [...next.services, service] }, id };
}
