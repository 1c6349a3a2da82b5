/**
 * Building blocks of topologies and the seed article's three labs (NAT, DR, TUN) as code — the one
 * set used by the example designs (scripts/make-examples.ts), the rule tests and the generator of
 * large designs. Ids follow one scheme: interface `<host>-<name>`, real-server entry
 * `<service>-<host>`.
 */
import type { Host, Interface, RealServer, Segment, Topology, VirtualService } from './types.ts';
import { directorRef, hostId, hostId as toHostId, interfaceId, realServerId, segmentId, serviceId } from './ids.ts';

/** An Ethernet interface `name` of host `hostId` on `segment` (null = not cabled). */
export const ethernet = (hostId: string, name: string, segment: string | null, addresses: string[], extra: Partial<Interface> = {}): Interface => ({
  id: interfaceId(`${hostId}-${name}`),
  name,
  kind: 'ethernet',
  segment: segment === null ? null : segmentId(segment),
  addresses,
  ...extra,
});

/** The loopback `lo` of host `hostId` (DR real servers hold the VIP here as a /32). */
export const loopback = (hostId: string, addresses: string[] = [], extra: Partial<Interface> = {}): Interface => ({
  id: interfaceId(`${hostId}-lo`),
  name: 'lo',
  kind: 'loopback',
  segment: null,
  addresses,
  ...extra,
});

/** The IPIP device `tunl0` of host `hostId` (TUN real servers hold the VIP here as a /32). */
export const ipipTunnel = (hostId: string, addresses: string[], extra: Partial<Interface> = {}): Interface => ({
  id: interfaceId(`${hostId}-tunl0`),
  name: 'tunl0',
  kind: 'ipip',
  segment: null,
  addresses,
  ...extra,
});

/** Host `hostId` as real server of `serviceId` at `rip`, port 80 and weight 1 unless `extra` says otherwise. */
export const realServerEntry = (serviceId: string, hostId: string, rip: string, method: RealServer['method'], extra: Partial<RealServer> = {}): RealServer => ({
  id: realServerId(`${serviceId}-${hostId}`),
  host: toHostId(hostId),
  rip,
  port: 80,
  method,
  weight: 1,
  ...extra,
});

/** The sysctls a DR/TUN real server needs so a VIP on lo/tunl0 never answers ARP. */
const ARP_QUIET = { arpIgnore: 1, arpAnnounce: 2 } as const;

/**
 * How much of a seed lab to build. `minimal` (the default) is what rule tests start from: only what
 * the lab needs to work. `example` is the edition shipped in examples/: descriptive names (no health
 * check, so the seed labs keep a plain ipvsadm-owned table), and the ARP sysctls also set per interface as the article does.
 */
export type LabEdition = 'minimal' | 'example';

function webService(vip: string, realServers: RealServer[]): VirtualService {
  return {
    id: serviceId('web'),
    name: 'web',
    director: directorRef('director'),
    protocol: 'tcp',
    vip,
    port: 80,
    scheduler: 'wrr',
    realServers,
  };
}

const labTopology = (
  name: string,
  edition: LabEdition,
  example: { name: string; description: string },
  segments: Segment[],
  hosts: Host[],
  services: VirtualService[],
): Topology =>
  edition === 'example' ? { name: example.name, description: example.description, segments, hosts, services } : { name, segments, hosts, services };

/** The seed article's NAT lab: client 172.16.111.13 → VIP 172.16.111.123:80, real-server gateway = DIP 192.168.111.200. */
export function natLab(edition: LabEdition = 'minimal'): Topology {
  const ex = edition === 'example';
  const realServer = (id: string, ip: string): Host => ({
    id: hostId(id),
    name: id,
    role: 'real-server',
    interfaces: [loopback(id), ethernet(id, 'eth0', 'lan', [`${ip}/24`])],
    gateway: '192.168.111.200',
  });
  return labTopology(
    'nat',
    edition,
    {
      name: 'LVS-NAT lab (seed article, part one)',
      description:
        'Client 172.16.111.13 reaches VIP 172.16.111.123:80; the director rewrites the destination to a real server and the replies come back through it (gateway = DIP 192.168.111.200).',
    },
    [
      { id: segmentId('public'), name: ex ? 'public (simulated Internet)' : 'public', cidr: '172.16.111.0/24' },
      { id: segmentId('lan'), name: ex ? 'intranet' : 'lan', cidr: '192.168.111.0/24' },
    ],
    [
      {
        id: hostId('client'),
        name: 'client',
        role: 'client',
        interfaces: [loopback('client'), ethernet('client', 'eth0', 'public', ['172.16.111.13/24'])],
        gateway: '172.16.111.123',
      },
      {
        id: hostId('director'),
        name: 'director',
        role: 'director',
        interfaces: [
          loopback('director'),
          ethernet('director', 'eth0', 'public', ['172.16.111.123/24']),
          ethernet('director', 'eth1', 'lan', ['192.168.111.200/24']),
        ],
        sysctl: { ipForward: true },
      },
      realServer('rs1', '192.168.111.101'),
      realServer('rs2', '192.168.111.102'),
    ],
    [webService('172.16.111.123', [realServerEntry('web', 'rs1', '192.168.111.101', 'nat'), realServerEntry('web', 'rs2', '192.168.111.102', 'nat')])],
  );
}

/** The seed article's DR lab: VIP 172.17.253.100, real servers on `lan` replying through router 192.168.163.1. */
export function drLab(edition: LabEdition = 'minimal'): Topology {
  const ex = edition === 'example';
  const perInterface = ex ? { sysctl: { ...ARP_QUIET } } : {};
  const realServer = (id: string, ip: string): Host => ({
    id: hostId(id),
    name: id,
    role: 'real-server',
    interfaces: [loopback(id, ['172.17.253.100/32'], perInterface), ethernet(id, 'eth0', 'lan', [`${ip}/24`], perInterface)],
    gateway: '192.168.163.1',
    sysctl: { ...ARP_QUIET },
  });
  return labTopology(
    'dr',
    edition,
    {
      name: 'LVS-DR lab (seed article, part two)',
      description:
        'The director only rewrites the destination MAC; real servers hold the VIP on lo with arp_ignore=1/arp_announce=2 and reply to the client directly through the router, not through the director.',
    },
    [
      { id: segmentId('public'), name: ex ? 'bridged network' : 'public', cidr: '172.17.253.0/24' },
      { id: segmentId('lan'), name: ex ? 'host-only network' : 'lan', cidr: '192.168.163.0/24' },
    ],
    [
      {
        id: hostId('client'),
        name: 'client',
        role: 'client',
        interfaces: [loopback('client'), ethernet('client', 'eth0', 'public', ['172.17.253.13/24'])],
        gateway: '172.17.253.1',
      },
      {
        id: hostId('router'),
        name: 'router',
        role: 'router',
        interfaces: [loopback('router'), ethernet('router', 'eth0', 'public', ['172.17.253.1/24']), ethernet('router', 'eth1', 'lan', ['192.168.163.1/24'])],
        sysctl: { ipForward: true },
      },
      {
        id: hostId('director'),
        name: ex ? 'lvs-server' : 'director',
        role: 'director',
        interfaces: [
          loopback('director'),
          ethernet('director', 'eth0', 'public', ['172.17.253.100/24']),
          ethernet('director', 'eth1', 'lan', ['192.168.163.101/24']),
        ],
        gateway: '172.17.253.1',
      },
      realServer('rs1', '192.168.163.102'),
      realServer('rs2', '192.168.163.103'),
    ],
    [webService('172.17.253.100', [realServerEntry('web', 'rs1', '192.168.163.102', 'dr'), realServerEntry('web', 'rs2', '192.168.163.103', 'dr')])],
  );
}

/**
 * The seed article's third lab as TUN (the article titles it "DR"): real servers in a remote data
 * centre behind a router, VIP 172.18.0.100 on tunl0. The minimal edition sets eth0's MTU to 1480
 * (1500 less the 20-byte IPIP header); the example edition sets the sysctls per interface instead.
 */
export function tunLab(edition: LabEdition = 'minimal'): Topology {
  const ex = edition === 'example';
  const realServer = (id: string, ip: string): Host => ({
    id: hostId(id),
    name: id,
    role: 'real-server',
    interfaces: [
      loopback(id),
      ipipTunnel(id, ['172.18.0.100/32'], { sysctl: { rpFilter: 0 } }),
      ethernet(id, 'eth0', 'dc2', [`${ip}/24`], ex ? { sysctl: { ...ARP_QUIET, rpFilter: 0 } } : { mtu: 1480 }),
    ],
    gateway: '10.20.0.1',
    sysctl: { ...ARP_QUIET, rpFilter: 0 },
  });
  return labTopology(
    'tun',
    edition,
    {
      name: 'LVS-TUN lab (seed article, part three)',
      description:
        'The director wraps each request in an IPIP header (outer source DIP, outer destination RIP); the real servers, behind a router, unwrap it on tunl0 where the VIP lives and reply to the client directly.',
    },
    [
      { id: segmentId('front'), name: ex ? 'front network' : 'front', cidr: '172.18.0.0/24' },
      { id: segmentId('dc2'), name: ex ? 'remote data centre' : 'dc2', cidr: '10.20.0.0/24' },
    ],
    [
      {
        id: hostId('client'),
        name: 'client',
        role: 'client',
        interfaces: [loopback('client'), ethernet('client', 'eth0', 'front', ['172.18.0.13/24'])],
        gateway: '172.18.0.1',
      },
      {
        id: hostId('director'),
        name: 'director',
        role: 'director',
        interfaces: [loopback('director'), ethernet('director', 'eth0', 'front', ['172.18.0.10/24', '172.18.0.100/24'])],
        gateway: '172.18.0.1',
      },
      {
        id: hostId('router'),
        name: 'router',
        role: 'router',
        interfaces: [loopback('router'), ethernet('router', 'eth0', 'front', ['172.18.0.1/24']), ethernet('router', 'eth1', 'dc2', ['10.20.0.1/24'])],
        sysctl: { ipForward: true },
      },
      realServer('rs1', '10.20.0.11'),
      realServer('rs2', '10.20.0.12'),
    ],
    [webService('172.18.0.100', [realServerEntry('web', 'rs1', '10.20.0.11', 'tun'), realServerEntry('web', 'rs2', '10.20.0.12', 'tun')])],
  );
}
