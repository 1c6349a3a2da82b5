/**
 * Writes the example designs in examples/ (run: `npx tsx scripts/make-examples.ts`).
 * The three seed labs (shared/model/labs.ts) follow the seed article's addresses, with its typos
 * corrected (gateway 192.168.111.200, not .2000; VIP 172.17.253.100, not 1172.17.253.100; `-A` for
 * the service; `-g` for DR real servers; the third lab is TUN, not DR).
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import type { DirectorGroup, Host, Layout, RealServer, Segment, Topology, VirtualService } from '../shared/model/types.ts';
import { makeDesignFile, serializeDesignFile, parseDesignFile } from '../shared/model/file.ts';
import { drLab, ethernet as eth, ipipTunnel, loopback as lo, natLab, realServerEntry as rs, tunLab } from '../shared/model/labs.ts';
import { autoLayout } from '../renderer/canvas/autoLayout.ts';
import { directorGroupId, directorRef, hostId, segmentId, serviceId } from '../shared/model/ids.ts';

type Pos = Record<string, { x: number; y: number }>;

const tunl0 = (host: string, addresses: string[]) => ipipTunnel(host, addresses, { sysctl: { rpFilter: 0 } });

function write(file: string, topology: Topology, positions: Pos) {
  const layout: Layout = { positions };
  const text = serializeDesignFile(makeDesignFile(topology, layout));
  const check = parseDesignFile(text);
  if (!check.ok) throw new Error(`${file}: ${check.error.message}`);
  writeFileSync(`examples/${file}`, text);
}

mkdirSync('examples', { recursive: true });

// ---- The seed article's labs: NAT (part one), DR (part two), TUN (part three, titled "Dr") ---
write('nat-lab.lvs.json', natLab('example'), {
  client: { x: 0, y: 120 },
  public: { x: 220, y: 0 },
  director: { x: 420, y: 120 },
  lan: { x: 660, y: 0 },
  rs1: { x: 860, y: 40 },
  rs2: { x: 860, y: 220 },
});
write('dr-lab.lvs.json', drLab('example'), {
  client: { x: 0, y: 140 },
  public: { x: 220, y: 0 },
  router: { x: 420, y: 300 },
  director: { x: 420, y: 80 },
  lan: { x: 660, y: 0 },
  rs1: { x: 860, y: 40 },
  rs2: { x: 860, y: 220 },
});
write('tun-lab.lvs.json', tunLab('example'), {
  client: { x: 0, y: 140 },
  front: { x: 220, y: 0 },
  director: { x: 420, y: 60 },
  router: { x: 420, y: 280 },
  dc2: { x: 660, y: 0 },
  rs1: { x: 860, y: 40 },
  rs2: { x: 860, y: 220 },
});

// ---- A larger design: 2 directors, 3 services, 20 real servers --------------------------------
{
  const segments: Segment[] = [
    { id: segmentId('edge'), name: 'edge', cidr: '198.51.100.0/24' },
    { id: segmentId('web-lan'), name: 'web LAN', cidr: '10.1.0.0/24' },
    { id: segmentId('app-lan'), name: 'app LAN', cidr: '10.2.0.0/24' },
    { id: segmentId('media-dc'), name: 'media data centre', cidr: '10.3.0.0/24' },
  ];
  const positions: Pos = { edge: { x: 300, y: 0 }, 'web-lan': { x: 700, y: -200 }, 'app-lan': { x: 700, y: 300 }, 'media-dc': { x: 1100, y: 700 } };
  const hosts: Host[] = [
    {
      id: hostId('client1'),
      name: 'client1',
      role: 'client',
      interfaces: [lo('client1'), eth('client1', 'eth0', 'edge', ['198.51.100.10/24'])],
      gateway: '198.51.100.1',
    },
    {
      id: hostId('client2'),
      name: 'client2',
      role: 'client',
      interfaces: [lo('client2'), eth('client2', 'eth0', 'edge', ['198.51.100.11/24'])],
      gateway: '198.51.100.1',
    },
    {
      id: hostId('gw'),
      name: 'gw',
      role: 'router',
      interfaces: [
        lo('gw'),
        eth('gw', 'eth0', 'edge', ['198.51.100.1/24']),
        eth('gw', 'eth1', 'web-lan', ['10.1.0.1/24']),
        eth('gw', 'eth2', 'media-dc', ['10.3.0.1/24']),
      ],
      sysctl: { ipForward: true },
    },
    {
      id: hostId('lb1'),
      name: 'lb1',
      role: 'director',
      interfaces: [lo('lb1'), eth('lb1', 'eth0', 'edge', ['198.51.100.2/24', '198.51.100.80/24']), eth('lb1', 'eth1', 'web-lan', ['10.1.0.2/24'])],
      gateway: '198.51.100.1',
      routes: [{ destination: '10.3.0.0/24', via: '198.51.100.1' }],
    },
    {
      id: hostId('lb2'),
      name: 'lb2',
      role: 'director',
      interfaces: [lo('lb2'), eth('lb2', 'eth0', 'edge', ['198.51.100.3/24', '198.51.100.81/24']), eth('lb2', 'eth1', 'app-lan', ['10.2.0.1/24'])],
      gateway: '198.51.100.1',
      sysctl: { ipForward: true },
    },
  ];
  Object.assign(positions, { client1: { x: 0, y: 0 }, client2: { x: 0, y: 160 }, gw: { x: 300, y: 300 }, lb1: { x: 500, y: -100 }, lb2: { x: 500, y: 160 } });
  const web: RealServer[] = [];
  const api: RealServer[] = [];
  const media: RealServer[] = [];
  for (let i = 1; i <= 10; i++) {
    const id = `web${i}`;
    const ip = `10.1.0.${10 + i}`;
    hosts.push({
      id: hostId(id),
      name: id,
      role: 'real-server',
      interfaces: [
        lo(id, ['198.51.100.80/32'], { sysctl: { arpIgnore: 1, arpAnnounce: 2 } }),
        eth(id, 'eth0', 'web-lan', [`${ip}/24`], { sysctl: { arpIgnore: 1, arpAnnounce: 2 } }),
      ],
      gateway: '10.1.0.1',
      sysctl: { arpIgnore: 1, arpAnnounce: 2 },
    });
    web.push(rs('web', id, ip, 'dr', { weight: i <= 5 ? 2 : 1 }));
    positions[id] = { x: 900, y: -400 + i * 40 };
  }
  for (let i = 1; i <= 6; i++) {
    const id = `app${i}`;
    const ip = `10.2.0.${10 + i}`;
    hosts.push({ id: hostId(id), name: id, role: 'real-server', interfaces: [lo(id), eth(id, 'eth0', 'app-lan', [`${ip}/24`])], gateway: '10.2.0.1' });
    api.push(rs('api', id, ip, 'nat', { port: 8080 }));
    positions[id] = { x: 900, y: 200 + i * 40 };
  }
  for (let i = 1; i <= 4; i++) {
    const id = `media${i}`;
    const ip = `10.3.0.${10 + i}`;
    hosts.push({
      id: hostId(id),
      name: id,
      role: 'real-server',
      interfaces: [
        lo(id),
        tunl0(id, ['198.51.100.81/32']),
        eth(id, 'eth0', 'media-dc', [`${ip}/24`], { sysctl: { arpIgnore: 1, arpAnnounce: 2, rpFilter: 0 } }),
      ],
      gateway: '10.3.0.1',
      sysctl: { arpIgnore: 1, arpAnnounce: 2, rpFilter: 0 },
    });
    media.push(rs('media', id, ip, 'tun', { port: 443 }));
    positions[id] = { x: 1300, y: 600 + i * 40 };
  }
  const services: VirtualService[] = [
    {
      id: serviceId('web'),
      name: 'web',
      director: directorRef('lb1'),
      protocol: 'tcp',
      vip: '198.51.100.80',
      port: 80,
      scheduler: 'wlc',
      healthCheck: { kind: 'http', path: '/healthz', status: 200, delayLoop: 6, connectTimeout: 3, retry: 3, delayBeforeRetry: 3 },
      realServers: web,
    },
    {
      id: serviceId('api'),
      name: 'api',
      director: directorRef('lb2'),
      protocol: 'tcp',
      vip: '198.51.100.81',
      port: 80,
      scheduler: 'wrr',
      persistence: { timeout: 300 },
      healthCheck: { kind: 'tcp', delayLoop: 6, connectTimeout: 3, retry: 3, delayBeforeRetry: 3 },
      realServers: api,
    },
    {
      id: serviceId('media'),
      name: 'media',
      director: directorRef('lb2'),
      protocol: 'tcp',
      vip: '198.51.100.81',
      port: 443,
      scheduler: 'sh',
      schedulerFlags: ['sh-fallback'],
      healthCheck: { kind: 'tcp', delayLoop: 6, connectTimeout: 3, retry: 3, delayBeforeRetry: 3 },
      realServers: media,
    },
  ];
  // lb2 needs a route to the media data centre through gw for the IPIP tunnel.
  hosts[4] = { ...hosts[4]!, routes: [{ destination: '10.3.0.0/24', via: '198.51.100.1' }] };
  const large: Topology = {
    name: 'Two directors, three services, twenty real servers',
    description:
      'lb1 balances web (DR, wlc, 10 servers); lb2 balances api (NAT, wrr, persistent, 6 servers, port 80 to 8080) and media (TUN, sh, 4 servers in a remote data centre).',
    segments,
    hosts,
    services,
  };
  // Twenty real servers by hand-placed steps overlapped (web1–web9 hid their addresses): use the auto-layout.
  void positions;
  write('large-cluster.lvs.json', large, autoLayout(large).positions);
}
console.log('examples written');

// ---- HA pairs: the NAT and DR labs with a second director and keepalived VRRP ------------------
{
  const segments: Segment[] = [
    { id: segmentId('public'), name: 'public (simulated Internet)', cidr: '172.16.111.0/24' },
    { id: segmentId('lan'), name: 'intranet', cidr: '192.168.111.0/24' },
  ];
  const realServer = (id: string, ip: string): Host => ({
    id: hostId(id),
    name: id,
    role: 'real-server',
    interfaces: [lo(id), eth(id, 'eth0', 'lan', [`${ip}/24`])],
    // The DIP 192.168.111.200 is held by the VRRP master, so replies follow whichever director is master.
    gateway: '192.168.111.200',
  });
  const director = (id: string, pub: string, lan: string): Host => ({
    id: hostId(id),
    name: id,
    role: 'director',
    interfaces: [lo(id), eth(id, 'eth0', 'public', [`${pub}/24`]), eth(id, 'eth1', 'lan', [`${lan}/24`])],
    sysctl: { ipForward: true },
  });
  const hosts: Host[] = [
    {
      id: hostId('client'),
      name: 'client',
      role: 'client',
      interfaces: [lo('client'), eth('client', 'eth0', 'public', ['172.16.111.13/24'])],
      gateway: '172.16.111.123',
    },
    director('lvs1', '172.16.111.121', '192.168.111.201'),
    director('lvs2', '172.16.111.122', '192.168.111.202'),
    realServer('rs1', '192.168.111.101'),
    realServer('rs2', '192.168.111.102'),
  ];
  const directorGroups: DirectorGroup[] = [
    {
      id: directorGroupId('pair'),
      name: 'VI_NAT',
      vrid: 51,
      advertInt: 1,
      authentication: { type: 'PASS', pass: 'lvsnat51' },
      virtualAddresses: [
        { address: '172.16.111.123/24', dev: 'eth0' },
        { address: '192.168.111.200/24', dev: 'eth1' },
      ],
      garpMasterDelay: 1,
      sync: { mode: 'keepalived', interface: 'eth1', syncId: 51 },
      members: [
        {
          host: hostId('lvs1'),
          priority: 150,
          state: 'MASTER',
          interface: 'eth0',
          unicastSrcIp: '172.16.111.121',
          unicastPeers: ['172.16.111.122'],
          trackInterfaces: [{ name: 'eth1', weight: -60 }],
        },
        {
          host: hostId('lvs2'),
          priority: 100,
          state: 'BACKUP',
          interface: 'eth0',
          unicastSrcIp: '172.16.111.122',
          unicastPeers: ['172.16.111.121'],
          trackInterfaces: [{ name: 'eth1', weight: -60 }],
        },
      ],
    },
  ];
  const services: VirtualService[] = [
    {
      id: serviceId('web'),
      name: 'web',
      director: directorRef('pair'),
      protocol: 'tcp',
      vip: '172.16.111.123',
      port: 80,
      scheduler: 'wrr',
      healthCheck: { kind: 'http', path: '/', status: 200, delayLoop: 6, connectTimeout: 3, retry: 3, delayBeforeRetry: 3 },
      realServers: [rs('web', 'rs1', '192.168.111.101', 'nat'), rs('web', 'rs2', '192.168.111.102', 'nat')],
    },
  ];
  write(
    'nat-ha-lab.lvs.json',
    {
      name: 'LVS-NAT HA pair (seed article, part one, two directors)',
      description:
        'The NAT lab with a keepalived VRRP pair: lvs1 (priority 150) holds the VIP 172.16.111.123 and the DIP 192.168.111.200 that the real servers route through; lvs2 (100) takes both over within 3 × advert_int + skew. Connection sync on eth1 keeps established connections across a failover.',
      segments,
      hosts,
      services,
      directorGroups,
    },
    {
      client: { x: 0, y: 160 },
      public: { x: 220, y: 0 },
      lvs1: { x: 420, y: 60 },
      lvs2: { x: 420, y: 260 },
      lan: { x: 660, y: 0 },
      rs1: { x: 860, y: 60 },
      rs2: { x: 860, y: 260 },
    },
  );
}

{
  const segments: Segment[] = [
    { id: segmentId('public'), name: 'bridged network', cidr: '172.17.253.0/24' },
    { id: segmentId('lan'), name: 'host-only network', cidr: '192.168.163.0/24' },
  ];
  const realServer = (id: string, ip: string): Host => ({
    id: hostId(id),
    name: id,
    role: 'real-server',
    interfaces: [
      { ...lo(id, ['172.17.253.100/32']), sysctl: { arpIgnore: 1, arpAnnounce: 2 } },
      eth(id, 'eth0', 'lan', [`${ip}/24`], { sysctl: { arpIgnore: 1, arpAnnounce: 2 } }),
    ],
    gateway: '192.168.163.1',
    sysctl: { arpIgnore: 1, arpAnnounce: 2 },
  });
  const director = (id: string, name: string, pub: string, lan: string): Host => ({
    id: hostId(id),
    name,
    role: 'director',
    interfaces: [lo(id), eth(id, 'eth0', 'public', [`${pub}/24`]), eth(id, 'eth1', 'lan', [`${lan}/24`])],
    gateway: '172.17.253.1',
  });
  const hosts: Host[] = [
    {
      id: hostId('client'),
      name: 'client',
      role: 'client',
      interfaces: [lo('client'), eth('client', 'eth0', 'public', ['172.17.253.13/24'])],
      gateway: '172.17.253.1',
    },
    {
      id: hostId('router'),
      name: 'router',
      role: 'router',
      interfaces: [lo('router'), eth('router', 'eth0', 'public', ['172.17.253.1/24']), eth('router', 'eth1', 'lan', ['192.168.163.1/24'])],
      sysctl: { ipForward: true },
    },
    director('lvs1', 'lvs-server-1', '172.17.253.101', '192.168.163.101'),
    director('lvs2', 'lvs-server-2', '172.17.253.102', '192.168.163.104'),
    realServer('rs1', '192.168.163.102'),
    realServer('rs2', '192.168.163.103'),
  ];
  const directorGroups: DirectorGroup[] = [
    {
      id: directorGroupId('pair'),
      name: 'VI_DR',
      vrid: 61,
      advertInt: 1,
      authentication: { type: 'PASS', pass: 'lvsdr61' },
      virtualAddresses: [{ address: '172.17.253.100/24', dev: 'eth0' }],
      nopreempt: true,
      garpMasterDelay: 1,
      scripts: [{ name: 'chk_uplink', script: '/bin/busybox ping -c1 -W1 172.17.253.1', interval: 2, fall: 2, rise: 2 }],
      sync: { mode: 'keepalived', interface: 'eth1', syncId: 61 },
      members: [
        { host: hostId('lvs1'), priority: 150, state: 'BACKUP', interface: 'eth0', trackScripts: [{ name: 'chk_uplink' }] },
        { host: hostId('lvs2'), priority: 100, state: 'BACKUP', interface: 'eth0', trackScripts: [{ name: 'chk_uplink' }] },
      ],
    },
  ];
  const services: VirtualService[] = [
    {
      id: serviceId('web'),
      name: 'web',
      director: directorRef('pair'),
      protocol: 'tcp',
      vip: '172.17.253.100',
      port: 80,
      scheduler: 'wrr',
      healthCheck: { kind: 'http', path: '/', status: 200, delayLoop: 6, connectTimeout: 3, retry: 3, delayBeforeRetry: 3 },
      realServers: [rs('web', 'rs1', '192.168.163.102', 'dr'), rs('web', 'rs2', '192.168.163.103', 'dr')],
    },
  ];
  write(
    'dr-ha-lab.lvs.json',
    {
      name: 'LVS-DR HA pair (seed article, part two, two directors)',
      description:
        'The DR lab with a keepalived VRRP pair over multicast: both start as BACKUP with nopreempt, so a returning lvs-server-1 does not take the VIP 172.17.253.100 back and break connections a second time. A failing uplink ping (weight 0) puts the member into FAULT: it leaves MASTER with a priority-0 advert and the other member takes over after its skew time. (A weight would not work here: nopreempt backups accept a master whose priority dropped.)',
      segments,
      hosts,
      services,
      directorGroups,
    },
    {
      client: { x: 0, y: 160 },
      public: { x: 220, y: 0 },
      router: { x: 420, y: 420 },
      lvs1: { x: 420, y: 40 },
      lvs2: { x: 420, y: 220 },
      lan: { x: 660, y: 0 },
      rs1: { x: 860, y: 60 },
      rs2: { x: 860, y: 260 },
    },
  );
}
