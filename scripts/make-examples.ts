/**
 * Writes the example designs in examples/ (run: `npx tsx scripts/make-examples.ts`).
 * The three seed labs (shared/model/labs.ts) follow the seed article's addresses, with its typos
 * corrected (gateway 192.168.111.200, not .2000; VIP 172.17.253.100, not 1172.17.253.100; `-A` for
 * the service; `-g` for DR real servers; the third lab is TUN, not DR).
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import type { Host, Layout, RealServer, Segment, Topology, VirtualService } from '../shared/model/types.ts';
import { makeDesignFile, serializeDesignFile, parseDesignFile } from '../shared/model/file.ts';
import { drLab, ethernet as eth, ipipTunnel, loopback as lo, natLab, realServerEntry as rs, tunLab } from '../shared/model/labs.ts';
import { autoLayout } from '../renderer/canvas/autoLayout.ts';

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
  client: { x: 0, y: 120 }, public: { x: 220, y: 0 }, director: { x: 420, y: 120 }, lan: { x: 660, y: 0 },
  rs1: { x: 860, y: 40 }, rs2: { x: 860, y: 220 },
});
write('dr-lab.lvs.json', drLab('example'), {
  client: { x: 0, y: 140 }, public: { x: 220, y: 0 }, router: { x: 420, y: 300 }, director: { x: 420, y: 80 },
  lan: { x: 660, y: 0 }, rs1: { x: 860, y: 40 }, rs2: { x: 860, y: 220 },
});
write('tun-lab.lvs.json', tunLab('example'), {
  client: { x: 0, y: 140 }, front: { x: 220, y: 0 }, director: { x: 420, y: 60 }, router: { x: 420, y: 280 },
  dc2: { x: 660, y: 0 }, rs1: { x: 860, y: 40 }, rs2: { x: 860, y: 220 },
});

// ---- A larger design: 2 directors, 3 services, 20 real servers --------------------------------
{
  const segments: Segment[] = [
    { id: 'edge', name: 'edge', cidr: '198.51.100.0/24' },
    { id: 'web-lan', name: 'web LAN', cidr: '10.1.0.0/24' },
    { id: 'app-lan', name: 'app LAN', cidr: '10.2.0.0/24' },
    { id: 'media-dc', name: 'media data centre', cidr: '10.3.0.0/24' },
  ];
  const positions: Pos = { edge: { x: 300, y: 0 }, 'web-lan': { x: 700, y: -200 }, 'app-lan': { x: 700, y: 300 }, 'media-dc': { x: 1100, y: 700 } };
  const hosts: Host[] = [
    { id: 'client1', name: 'client1', role: 'client', interfaces: [lo('client1'), eth('client1', 'eth0', 'edge', ['198.51.100.10/24'])], gateway: '198.51.100.1' },
    { id: 'client2', name: 'client2', role: 'client', interfaces: [lo('client2'), eth('client2', 'eth0', 'edge', ['198.51.100.11/24'])], gateway: '198.51.100.1' },
    {
      id: 'gw', name: 'gw', role: 'router',
      interfaces: [lo('gw'), eth('gw', 'eth0', 'edge', ['198.51.100.1/24']), eth('gw', 'eth1', 'web-lan', ['10.1.0.1/24']), eth('gw', 'eth2', 'media-dc', ['10.3.0.1/24'])],
      sysctl: { ipForward: true },
    },
    {
      id: 'lb1', name: 'lb1', role: 'director',
      interfaces: [lo('lb1'), eth('lb1', 'eth0', 'edge', ['198.51.100.2/24', '198.51.100.80/24']), eth('lb1', 'eth1', 'web-lan', ['10.1.0.2/24'])],
      gateway: '198.51.100.1',
      routes: [{ destination: '10.3.0.0/24', via: '198.51.100.1' }],
    },
    {
      id: 'lb2', name: 'lb2', role: 'director',
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
      id, name: id, role: 'real-server',
      interfaces: [lo(id, ['198.51.100.80/32'], { sysctl: { arpIgnore: 1, arpAnnounce: 2 } }), eth(id, 'eth0', 'web-lan', [`${ip}/24`], { sysctl: { arpIgnore: 1, arpAnnounce: 2 } })],
      gateway: '10.1.0.1',
      sysctl: { arpIgnore: 1, arpAnnounce: 2 },
    });
    web.push(rs('web', id, ip, 'dr', { weight: i <= 5 ? 2 : 1 }));
    positions[id] = { x: 900, y: -400 + i * 40 };
  }
  for (let i = 1; i <= 6; i++) {
    const id = `app${i}`;
    const ip = `10.2.0.${10 + i}`;
    hosts.push({ id, name: id, role: 'real-server', interfaces: [lo(id), eth(id, 'eth0', 'app-lan', [`${ip}/24`])], gateway: '10.2.0.1' });
    api.push(rs('api', id, ip, 'nat', { port: 8080 }));
    positions[id] = { x: 900, y: 200 + i * 40 };
  }
  for (let i = 1; i <= 4; i++) {
    const id = `media${i}`;
    const ip = `10.3.0.${10 + i}`;
    hosts.push({
      id, name: id, role: 'real-server',
      interfaces: [lo(id), tunl0(id, ['198.51.100.81/32']), eth(id, 'eth0', 'media-dc', [`${ip}/24`], { sysctl: { arpIgnore: 1, arpAnnounce: 2, rpFilter: 0 } })],
      gateway: '10.3.0.1',
      sysctl: { arpIgnore: 1, arpAnnounce: 2, rpFilter: 0 },
    });
    media.push(rs('media', id, ip, 'tun', { port: 443 }));
    positions[id] = { x: 1300, y: 600 + i * 40 };
  }
  const services: VirtualService[] = [
    { id: 'web', name: 'web', director: 'lb1', protocol: 'tcp', vip: '198.51.100.80', port: 80, scheduler: 'wlc', healthCheck: { kind: 'http', path: '/healthz', status: 200, delayLoop: 6, connectTimeout: 3, retry: 3, delayBeforeRetry: 3 }, realServers: web },
    { id: 'api', name: 'api', director: 'lb2', protocol: 'tcp', vip: '198.51.100.81', port: 80, scheduler: 'wrr', persistence: { timeout: 300 }, healthCheck: { kind: 'tcp', delayLoop: 6, connectTimeout: 3, retry: 3, delayBeforeRetry: 3 }, realServers: api },
    { id: 'media', name: 'media', director: 'lb2', protocol: 'tcp', vip: '198.51.100.81', port: 443, scheduler: 'sh', schedulerFlags: ['sh-fallback'], healthCheck: { kind: 'tcp', delayLoop: 6, connectTimeout: 3, retry: 3, delayBeforeRetry: 3 }, realServers: media },
  ];
  // lb2 needs a route to the media data centre through gw for the IPIP tunnel.
  hosts[4] = { ...hosts[4]!, routes: [{ destination: '10.3.0.0/24', via: '198.51.100.1' }] };
  const large: Topology = { name: 'Two directors, three services, twenty real servers', description: 'lb1 balances web (DR, wlc, 10 servers); lb2 balances api (NAT, wrr, persistent, 6 servers, port 80 to 8080) and media (TUN, sh, 4 servers in a remote data centre).', segments, hosts, services };
  // Twenty real servers by hand-placed steps overlapped (web1–web9 hid their addresses): use the auto-layout.
  void positions;
  write('large-cluster.lvs.json', large, autoLayout(large).positions);
}
console.log('examples written');
