/**
 * Generator and importer speed: renderAll on the examples and on synthetic designs of up to 5,000
 * real servers, and importing their `ipvsadm -S` text back. Targets are shown, not asserted.
 */
import type { BenchTable } from '../../scripts/bench.ts';
import { renderAll, renderIpvsadmRules } from '../../shared/generators/index.ts';
import { importIpvsadmSave } from '../../shared/importers/index.ts';
import type { Host, RealServer, Segment, Topology, VirtualService } from '../../shared/model/types.ts';
import { loadExamples } from '../unit/generators/helpers.ts';
import { directorRef, hostId, interfaceId, realServerId, segmentId, serviceId } from '../../shared/model/ids.ts';

/** A director with `services` DR services over `servers` real servers in /24 blocks. */
function synthetic(servers: number, services: number): Topology {
  const hosts: Host[] = [
    {
      id: hostId('director'),
      name: 'director',
      role: 'director',
      interfaces: [
        {
          id: interfaceId('d-eth0'),
          name: 'eth0',
          kind: 'ethernet',
          segment: segmentId('front'),
          addresses: ['192.0.2.2/24', ...Array.from({ length: services }, (_, i) => `192.0.2.${100 + i}/24`)],
        },
      ],
    },
  ];
  const segments: Segment[] = [{ id: segmentId('front'), name: 'front', cidr: '192.0.2.0/24' }];
  const rs: { host: string; rip: string }[] = [];
  for (let i = 0; i < servers; i++) {
    const net = Math.floor(i / 250);
    const rip = `10.${Math.floor(net / 256)}.${net % 256}.${(i % 250) + 2}`;
    if (i % 250 === 0) segments.push({ id: segmentId(`n${net}`), name: `n${net}`, cidr: `10.${Math.floor(net / 256)}.${net % 256}.0/24` });
    hosts.push({
      id: hostId(`rs${i}`),
      name: `rs${i}`,
      role: 'real-server',
      gateway: `10.${Math.floor(net / 256)}.${net % 256}.1`,
      sysctl: { arpIgnore: 1, arpAnnounce: 2 },
      interfaces: [
        {
          id: interfaceId(`rs${i}-lo`),
          name: 'lo',
          kind: 'loopback',
          segment: null,
          addresses: Array.from({ length: services }, (_, k) => `192.0.2.${100 + k}/32`),
        },
        { id: interfaceId(`rs${i}-eth0`), name: 'eth0', kind: 'ethernet', segment: segmentId(`n${net}`), addresses: [`${rip}/24`] },
      ],
    });
    rs.push({ host: `rs${i}`, rip });
  }
  const svc: VirtualService[] = Array.from({ length: services }, (_, k) => ({
    id: serviceId(`s${k}`),
    director: directorRef('director'),
    protocol: 'tcp',
    vip: `192.0.2.${100 + k}`,
    port: 80,
    scheduler: 'wlc',
    realServers: rs.map((r, i): RealServer => ({ id: realServerId(`s${k}-r${i}`), host: hostId(r.host), rip: r.rip, port: 80, method: 'dr', weight: 1 })),
  }));
  return { name: 'synthetic', segments, hosts, services: svc };
}

function time(f: () => void): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

export default async function (): Promise<BenchTable> {
  const rows: (string | number)[][] = [];
  for (const { name, topology } of loadExamples()) {
    const ms = time(() => renderAll(topology));
    rows.push([`renderAll ${name} (${topology.hosts.length} hosts)`, '< 50 ms', ms.toFixed(1)]);
  }
  for (const [servers, services] of [
    [1000, 2],
    [5000, 4],
  ] as const) {
    const t = synthetic(servers, services);
    let files = 0;
    const ms = time(() => {
      const r = renderAll(t);
      if (r.ok) files = Object.values(r.value).reduce((n, f) => n + f.length, 0);
    });
    rows.push([`renderAll ${servers} real servers × ${services} services (${files} files)`, '< 2000 ms', ms.toFixed(0)]);
    const rules = renderIpvsadmRules(t, 'director');
    const lines = rules.split('\n').length - 1;
    const imp = time(() => importIpvsadmSave(rules));
    rows.push([`import ipvsadm -S, ${lines} lines`, '< 2000 ms', imp.toFixed(0)]);
  }
  return { title: 'Generators and importers', columns: ['case', 'target', 'measured ms'], rows };
}
