/**
 * Simulator speed: one packet trace (target: well under 1 ms median) and one million scheduled
 * connections on 100 real servers for wrr, wlc and mh (target: under 1 s) through the stepwise,
 * allocation-free scheduler API, plus the full time-based simulation for comparison.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { BenchTable } from '../../scripts/bench.ts';
import { parseDesignFile } from '../../shared/model/file.ts';
import type { Scheduler, VirtualService } from '../../shared/model/types.ts';
import { IpvsScheduler, compileNetwork, simulate, simulateConnections } from '../../shared/simulator/index.ts';
import type { DestView } from '../../shared/simulator/index.ts';
import { directorRef, hostId, realServerId, serviceId } from '../../shared/model/ids.ts';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function traceBench(): BenchTable {
  const rows: (string | number)[][] = [];
  for (const lab of ['nat', 'dr', 'tun'] as const) {
    const r = parseDesignFile(readFileSync(`examples/${lab}-lab.lvs.json`, 'utf8'));
    if (!r.ok) throw new Error(r.error.message);
    const topo = r.value.topology;
    const net = compileNetwork(topo);
    for (let i = 0; i < 200; i++) simulate(net, { client: hostId('client'), service: serviceId('web') }, { seed: i });
    const cold: number[] = [];
    const warm: number[] = [];
    let steps = 0;
    for (let i = 0; i < 2000; i++) {
      let t0 = performance.now();
      const t = simulate(net, { client: hostId('client'), service: serviceId('web') }, { seed: i });
      warm.push(performance.now() - t0);
      steps = t.steps.length;
      t0 = performance.now();
      simulate(topo, { client: hostId('client'), service: serviceId('web') }, { seed: i });
      cold.push(performance.now() - t0);
    }
    rows.push([`${lab}-lab`, steps, '< 1 ms', `${median(warm).toFixed(3)} ms`, `${median(cold).toFixed(3)} ms`]);
  }
  const big = parseDesignFile(readFileSync('examples/large-cluster.lvs.json', 'utf8'));
  if (big.ok) {
    const topo = big.value.topology;
    const client = topo.hosts.find((h) => h.role === 'client')?.id ?? topo.hosts[0]!.id;
    const net = compileNetwork(topo);
    const warm: number[] = [];
    const cold: number[] = [];
    let steps = 0;
    for (let i = 0; i < 500; i++) {
      let t0 = performance.now();
      steps = simulate(net, { client, service: serviceId('web') }, { seed: i }).steps.length;
      warm.push(performance.now() - t0);
      t0 = performance.now();
      simulate(topo, { client, service: serviceId('web') }, { seed: i });
      cold.push(performance.now() - t0);
    }
    rows.push([`large-cluster (${topo.hosts.length} hosts)`, steps, '< 1 ms', `${median(warm).toFixed(3)} ms`, `${median(cold).toFixed(3)} ms`]);
  }
  return {
    title: 'Packet trace (median of 2000 runs; 500 for the large cluster)',
    columns: ['design', 'steps', 'target', 'trace (compiled network)', 'trace incl. compile'],
    rows,
  };
}

function service(scheduler: Scheduler, n: number): VirtualService {
  return {
    id: serviceId('bench'),
    director: directorRef('d'),
    protocol: 'tcp',
    vip: '10.0.0.100',
    port: 80,
    scheduler,
    realServers: Array.from({ length: n }, (_, i) => ({
      id: realServerId(`rs${i}`),
      host: hostId(`h${i}`),
      rip: `10.1.${i >> 8}.${(i & 255) + 1}`,
      port: 80,
      method: 'dr' as const,
      weight: 1 + (i % 5),
    })),
  };
}

function schedulerBench(): BenchTable {
  const N = 1_000_000;
  const LIVE = 2048;
  const rows: (string | number)[][] = [];
  for (const name of ['rr', 'wrr', 'wlc', 'sed', 'mh', 'sh'] as const) {
    const s = IpvsScheduler.forService(service(name, 100));
    // A ring of live connections: each one is established and released LIVE arrivals later.
    const ring: (DestView | null)[] = new Array<DestView | null>(LIVE).fill(null);
    const t0 = performance.now();
    for (let i = 0; i < N; i++) {
      const slot = i & (LIVE - 1);
      const old = ring[slot];
      if (old) s.release(old, true);
      const d = s.connect((0x0b000000 + ((i * 2654435761) % 16777216)) >>> 0, 1024 + (i & 0x7fff));
      if (d) s.establish(d);
      ring[slot] = d;
    }
    const ms = performance.now() - t0;
    const counts = s.dests.map((d) => d.assigned);
    rows.push([name, '100', N.toLocaleString('en'), '< 1000 ms', `${ms.toFixed(0)} ms`, `${Math.min(...counts)}..${Math.max(...counts)}`]);
  }
  return {
    title: 'Scheduler hot path: 1,000,000 connections, 100 real servers (weights 1..5), 2048 live',
    columns: ['scheduler', 'servers', 'connections', 'target', 'measured', 'per-server range'],
    rows,
  };
}

function fullRunBench(): BenchTable {
  const rows: (string | number)[][] = [];
  for (const name of ['wrr', 'wlc', 'mh'] as const) {
    const t0 = performance.now();
    const r = simulateConnections({ name: 'bench', segments: [], hosts: [], services: [service(name, 100)] }, serviceId('bench'), {
      connections: 1_000_000,
      ratePerSecond: 5000,
      activeSeconds: { min: 0.1, max: 2 },
      finSeconds: 1,
      clients: 50_000,
      recordAssignments: 0,
    });
    const ms = performance.now() - t0;
    rows.push([name, '1,000,000', `${ms.toFixed(0)} ms`, r.unscheduled]);
  }
  return {
    title: 'simulateConnections (arrivals, ESTABLISHED → FIN → expiry, samples), 100 real servers',
    columns: ['scheduler', 'connections', 'measured', 'unscheduled'],
    rows,
    note: 'Time-based runs add an event heap per connection; no target, shown for comparison.',
  };
}

export default async function (): Promise<BenchTable[]> {
  return [traceBench(), schedulerBench(), fullRunBench()];
}
