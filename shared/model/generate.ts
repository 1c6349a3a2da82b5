/**
 * Deterministic generator of large, valid topologies for benchmarks and stress tests.
 *
 * The design is a realistic mix: edge segments with clients and a forwarding edge router (edge
 * routers meet on a `core` segment and route to each other's edges); "pods"
 * of about 40 hosts, each a director with one or two services and its real servers, cycling
 * through NAT (real servers behind the director), DR (real servers on the director's LAN, a pod
 * router for the replies) and TUN (real servers in a remote segment behind the pod router). Every
 * pod is configured the way the rule checker expects, so `validate(generateTopology(n))` reports
 * no error and no warning.
 */
import type { Host, Layout, RealServer, Scheduler, Segment, Topology, VirtualService } from './types.ts';
import { ethernet as eth, ipipTunnel, loopback as lo } from './labs.ts';
import { directorRef, hostId, realServerId, segmentId, serviceId } from './ids.ts';

/** Options of {@link generateTopology}. */
export interface GenerateOptions {
  /** Hosts per pod (director + routers + real servers), 40 by default; at most 240. */
  readonly podSize?: number;
  /** Share of hosts that are clients, 0.05 by default (at least one). */
  readonly clientShare?: number;
  /** Seed of the pseudo-random choices (weights, schedulers); 1 by default. */
  readonly seed?: number;
}

/** Smallest topology the generator can build: edge router, client, director, one real server. */
export const MIN_GENERATED_HOSTS = 4;

const PODS_PER_EDGE = 20;
/** Edge routers carry a route to every other edge; the schema allows 1,024 routes per host. */
const MAX_EDGES = 1000;
const CLIENTS_PER_EDGE = 150;

/** mulberry32: tiny, fast, deterministic PRNG returning [0, 1). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const edgeNet = (e: number): string => `172.${16 + (e >> 8)}.${e & 255}`;
const lanNet = (i: number): string => `10.${(i >> 8) & 127}.${i & 255}`;
const dcNet = (i: number): string => `10.${128 + ((i >> 8) & 127)}.${i & 255}`;

/**
 * Builds a valid topology of exactly `hostCount` hosts (at least {@link MIN_GENERATED_HOSTS}).
 * The same arguments always give the same topology.
 * @example validate(generateTopology(1000)) // []
 */
export function generateTopology(hostCount: number, opts: GenerateOptions = {}): Topology {
  if (!Number.isInteger(hostCount) || hostCount < MIN_GENERATED_HOSTS) {
    throw new RangeError(`generateTopology: hostCount must be a whole number >= ${MIN_GENERATED_HOSTS}, got ${hostCount}`);
  }
  const podSize = Math.min(240, Math.max(4, opts.podSize ?? 40));
  const random = prng(opts.seed ?? 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

  // Size the design: pods and clients first, then give every remaining host to a pod as a real server.
  let pods = Math.max(1, Math.round(hostCount / podSize));
  const kindOf = (i: number): 'nat' | 'dr' | 'tun' => (['nat', 'dr', 'tun'] as const)[i % 3]!;
  const routersFor = (p: number) => Math.floor(p / 3) + Math.floor((p + 1) / 3); // pods of kind dr and tun
  const edgesFor = (p: number, c: number) => Math.max(Math.ceil(p / PODS_PER_EDGE), Math.ceil(c / CLIENTS_PER_EDGE));
  let clients = Math.max(1, Math.floor(hostCount * (opts.clientShare ?? 0.05)));
  let realServers = hostCount - edgesFor(pods, clients) - pods - routersFor(pods) - clients;
  while (realServers < pods && pods > 1) {
    pods--;
    realServers = hostCount - edgesFor(pods, clients) - pods - routersFor(pods) - clients;
  }
  if (realServers < 1) {
    clients = 1;
    realServers = hostCount - edgesFor(pods, clients) - pods - routersFor(pods) - clients;
  }
  const edges = edgesFor(pods, clients);
  if (edges > MAX_EDGES) throw new RangeError(`generateTopology: ${hostCount} hosts need ${edges} edge segments; at most ${MAX_EDGES} are supported`);

  const segments: Segment[] = [];
  const hosts: Host[] = [];
  const services: VirtualService[] = [];

  // Edge routers meet on a core segment and route every other edge through its router there, so
  // every client can reach every VIP (and the replies find their way back).
  const coreAddr = (e: number): string => `100.64.${(e + 1) >> 8}.${(e + 1) & 255}`;
  if (edges > 1) segments.push({ id: segmentId('core'), name: 'core', cidr: '100.64.0.0/16' });
  for (let e = 0; e < edges; e++) {
    segments.push({ id: segmentId(`edge-${e}`), name: `edge ${e}`, cidr: `${edgeNet(e)}.0/24` });
    const id = `gw-${e}`;
    const interfaces = [lo(id), eth(id, 'eth0', `edge-${e}`, [`${edgeNet(e)}.1/24`])];
    const routes = [];
    if (edges > 1) {
      interfaces.push(eth(id, 'eth1', 'core', [`${coreAddr(e)}/16`]));
      for (let c = 0; c < edges; c++) if (c !== e) routes.push({ destination: `${edgeNet(c)}.0/24`, via: coreAddr(c) });
    }
    hosts.push({ id: hostId(id), name: id, role: 'router', interfaces, ...(routes.length ? { routes } : {}), sysctl: { ipForward: true } });
  }
  for (let c = 0; c < clients; c++) {
    const e = c % edges;
    const id = `client-${c}`;
    const ip = `${edgeNet(e)}.${100 + Math.floor(c / edges)}`;
    hosts.push({ id: hostId(id), name: id, role: 'client', interfaces: [lo(id), eth(id, 'eth0', `edge-${e}`, [`${ip}/24`])], gateway: `${edgeNet(e)}.1` });
  }

  const base = Math.floor(realServers / pods);
  const extra = realServers % pods;
  for (let i = 0; i < pods; i++) {
    const kind = kindOf(i);
    const e = Math.floor(i / PODS_PER_EDGE) % edges;
    const slot = i % PODS_PER_EDGE;
    const edge = edgeNet(e);
    const dirIp = `${edge}.${10 + slot * 3}`;
    const vip = `${edge}.${11 + slot * 3}`;
    const rtEdgeIp = `${edge}.${12 + slot * 3}`;
    const lan = lanNet(i);
    const dc = dcNet(i);
    const lb = `lb-${i}`;
    const rt = `rt-${i}`;
    const count = base + (i < extra ? 1 : 0);
    const rsNet = kind === 'tun' ? dc : lan;
    segments.push(
      kind === 'tun' ? { id: segmentId(`dc-${i}`), name: `dc ${i}`, cidr: `${dc}.0/24` } : { id: segmentId(`lan-${i}`), name: `lan ${i}`, cidr: `${lan}.0/24` },
    );

    const directorIfaces = [lo(lb), eth(lb, 'eth0', `edge-${e}`, [`${dirIp}/24`, `${vip}/24`])];
    if (kind === 'nat') directorIfaces.push(eth(lb, 'eth1', `lan-${i}`, [`${lan}.1/24`]));
    if (kind === 'dr') directorIfaces.push(eth(lb, 'eth1', `lan-${i}`, [`${lan}.2/24`]));
    hosts.push({
      id: hostId(lb),
      name: lb,
      role: 'director',
      interfaces: directorIfaces,
      gateway: `${edge}.1`,
      ...(kind === 'nat' ? { sysctl: { ipForward: true } } : {}),
      ...(kind === 'tun' ? { routes: [{ destination: `${dc}.0/24`, via: rtEdgeIp }] } : {}),
    });
    if (kind !== 'nat') {
      hosts.push({
        id: hostId(rt),
        name: rt,
        role: 'router',
        interfaces: [lo(rt), eth(rt, 'eth0', `edge-${e}`, [`${rtEdgeIp}/24`]), eth(rt, 'eth1', kind === 'tun' ? `dc-${i}` : `lan-${i}`, [`${rsNet}.1/24`])],
        gateway: `${edge}.1`,
        sysctl: { ipForward: true },
      });
    }

    const main: RealServer[] = [];
    const tls: RealServer[] = [];
    const withTls = kind === 'nat' && i % 4 === 0;
    for (let k = 0; k < count; k++) {
      const id = `rs-${i}-${k}`;
      const rip = `${rsNet}.${10 + k}`;
      const weight = 1 + Math.floor(random() * 4);
      if (kind === 'nat') {
        hosts.push({ id: hostId(id), name: id, role: 'real-server', interfaces: [lo(id), eth(id, 'eth0', `lan-${i}`, [`${rip}/24`])], gateway: `${lan}.1` });
        main.push({ id: realServerId(`svc-${i}-${id}`), host: hostId(id), rip, port: 8080, method: 'nat', weight });
        if (withTls) tls.push({ id: realServerId(`tls-${i}-${id}`), host: hostId(id), rip, port: 8443, method: 'nat', weight });
      } else if (kind === 'dr') {
        hosts.push({
          id: hostId(id),
          name: id,
          role: 'real-server',
          interfaces: [lo(id, [`${vip}/32`]), eth(id, 'eth0', `lan-${i}`, [`${rip}/24`])],
          gateway: `${lan}.1`,
          sysctl: { arpIgnore: 1, arpAnnounce: 2 },
        });
        main.push({ id: realServerId(`svc-${i}-${id}`), host: hostId(id), rip, port: 80, method: 'dr', weight });
      } else {
        hosts.push({
          id: hostId(id),
          name: id,
          role: 'real-server',
          interfaces: [
            lo(id),
            ipipTunnel(id, [`${vip}/32`], { sysctl: { rpFilter: 0 } }),
            // 1480 = 1500 - 20 bytes of IPIP header, so the real server's MSS fits after encapsulation.
            eth(id, 'eth0', `dc-${i}`, [`${rip}/24`], { mtu: 1480 }),
          ],
          gateway: `${dc}.1`,
          sysctl: { arpIgnore: 1, arpAnnounce: 2, rpFilter: 0 },
        });
        main.push({ id: realServerId(`svc-${i}-${id}`), host: hostId(id), rip, port: 443, method: 'tun', weight });
      }
    }
    const scheduler: Scheduler = kind === 'tun' ? pick(['sh', 'mh'] as const) : pick(['wlc', 'wrr', 'lc', 'rr', 'sed'] as const);
    services.push({
      id: serviceId(`svc-${i}`),
      name: `${kind}-${i}`,
      director: directorRef(lb),
      protocol: 'tcp',
      vip,
      port: kind === 'tun' ? 443 : 80,
      scheduler,
      ...(kind === 'tun' ? { schedulerFlags: [scheduler === 'sh' ? ('sh-fallback' as const) : ('mh-fallback' as const)] } : {}),
      healthCheck: kind === 'tun' ? { kind: 'tcp' } : { kind: 'http', path: '/healthz', status: 200 },
      realServers: main,
    });
    if (withTls) {
      services.push({
        id: serviceId(`tls-${i}`),
        name: `tls-${i}`,
        director: directorRef(lb),
        protocol: 'tcp',
        vip,
        port: 443,
        scheduler: 'wlc',
        persistence: { timeout: 300 },
        healthCheck: { kind: 'tcp' },
        realServers: tls,
      });
    }
  }

  return {
    name: `Generated: ${hostCount} hosts, ${pods} directors, ${services.length} services`,
    description: `Deterministic test design from generateTopology(${hostCount}): ${edges} edge segment(s), ${clients} client(s), NAT/DR/TUN pods of about ${podSize} hosts.`,
    segments,
    hosts,
    services,
  };
}

/**
 * A simple layered layout for a generated topology: edges left, directors and routers in the
 * middle, real servers in columns on the right, so a big design opens readable.
 */
export function generateLayout(t: Topology): Layout {
  const positions: Record<string, { x: number; y: number }> = {};
  let edgeY = 0;
  let clientY = 0;
  let podY = 0;
  const rsCount = new Map<string, number>();
  for (const s of t.segments) {
    if (s.id === 'core') positions[s.id] = { x: 150, y: -300 };
    if (s.id.startsWith('edge-')) {
      positions[s.id] = { x: 300, y: edgeY };
      edgeY += 400;
    }
  }
  for (const h of t.hosts) {
    if (h.role === 'client') {
      positions[h.id] = { x: 0, y: clientY };
      clientY += 80;
    } else if (h.role === 'director') {
      positions[h.id] = { x: 600, y: podY };
      const pod = h.id.slice(3);
      const seg = t.segments.find((s) => s.id === `lan-${pod}` || s.id === `dc-${pod}`);
      if (seg) positions[seg.id] = { x: 900, y: podY };
      podY += 600;
    } else if (h.role === 'router') {
      const pod = h.id.startsWith('rt-') ? h.id.slice(3) : null;
      const dir = pod === null ? undefined : positions[`lb-${pod}`];
      positions[h.id] = dir ? { x: 750, y: dir.y + 200 } : { x: 300, y: (positions[h.interfaces[1]?.segment ?? ''] ?? { y: 0 }).y + 150 };
    } else {
      const pod = h.id.split('-')[1] ?? '0';
      const n = rsCount.get(pod) ?? 0;
      rsCount.set(pod, n + 1);
      const dir = positions[`lb-${pod}`] ?? { x: 600, y: 0 };
      positions[h.id] = { x: 1200 + Math.floor(n / 12) * 220, y: dir.y + (n % 12) * 48 };
    }
  }
  return { positions };
}
