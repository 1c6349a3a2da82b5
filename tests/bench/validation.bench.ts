/**
 * Rule-checker speed: one full `validate()` (index build + every rule) on generated designs.
 * Targets: 1,000 hosts < 10 ms, 5,000 hosts < 60 ms (median).
 */
import type { BenchTable } from '../../scripts/bench.ts';
import { generateTopology } from '../../shared/model/generate.ts';
import { RULES, validate } from '../../shared/validation/index.ts';
import { buildContext } from '../../shared/validation/context.ts';
import type { Host, RealServer, Topology } from '../../shared/model/types.ts';
import { directorRef, hostId, interfaceId, realServerId, segmentId, serviceId } from '../../shared/model/ids.ts';

const TARGET_MS: Readonly<Record<number, number>> = { 1000: 10, 5000: 60 };

interface Measurement {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Median CPU time of the process (user + system) per run: unlike wall time, not inflated when other processes compete for the cores. */
  readonly cpu: number;
}

function measure(fn: () => void, runs: number): Measurement {
  // Warm up the JIT so the first runs do not count compilation.
  for (let i = 0; i < 5; i++) fn();
  const times: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1000);
  }
  times.sort((a, b) => a - b);
  cpus.sort((a, b) => a - b);
  const mid = Math.floor(times.length / 2);
  return { median: times[mid]!, min: times[0]!, max: times[times.length - 1]!, cpu: cpus[mid]! };
}

const ms = (v: number): string => v.toFixed(2);

/**
 * Worst case for the checker: every host on one /16 segment, one DR service over all of them, and
 * every real server misconfigured (no VIP, ARP not suppressed, no gateway, duplicate addresses), so
 * every rule reports on every host and all the fix suggestions are computed.
 */
function flatBroken(n: number): Topology {
  const hosts: Host[] = [
    {
      id: hostId('client'),
      name: 'client',
      role: 'client',
      interfaces: [{ id: interfaceId('client-eth0'), name: 'eth0', kind: 'ethernet', segment: segmentId('flat'), addresses: ['10.0.255.1/16'] }],
    },
    {
      id: hostId('lb'),
      name: 'lb',
      role: 'director',
      interfaces: [{ id: interfaceId('lb-eth0'), name: 'eth0', kind: 'ethernet', segment: segmentId('flat'), addresses: ['10.0.255.2/16', '10.0.255.100/16'] }],
    },
  ];
  const realServers: RealServer[] = [];
  for (let i = 0; i < n - 2; i++) {
    const ip = `10.0.${(i >> 8) & 255}.${(i & 255) === 0 ? 1 : i & 255}`;
    hosts.push({
      id: hostId(`rs${i}`),
      name: `rs${i}`,
      role: 'real-server',
      interfaces: [{ id: interfaceId(`rs${i}-eth0`), name: 'eth0', kind: 'ethernet', segment: segmentId('flat'), addresses: [`${ip}/16`] }],
      gateway: '10.0.255.254',
    });
    realServers.push({ id: realServerId(`web-rs${i}`), host: hostId(`rs${i}`), rip: ip, port: 8080, method: 'dr', weight: 1 });
  }
  return {
    name: 'flat, broken',
    segments: [{ id: segmentId('flat'), name: 'flat', cidr: '10.0.0.0/16' }],
    hosts,
    services: [{ id: serviceId('web'), director: directorRef('lb'), protocol: 'tcp', vip: '10.0.255.100', port: 80, scheduler: 'wlc', realServers }],
  };
}

export default async function (): Promise<BenchTable[]> {
  const rows: (string | number)[][] = [];
  const perRule: (string | number)[][] = [];
  for (const hosts of [10, 100, 1000, 5000]) {
    const t = generateTopology(hosts);
    const runs = hosts >= 5000 ? 21 : 51;
    const problems = validate(t).length;
    const m = measure(() => validate(t), runs);
    const target = TARGET_MS[hosts];
    rows.push([
      hosts,
      t.services.length,
      t.services.reduce((n, s) => n + s.realServers.length, 0),
      runs,
      ms(m.median),
      ms(m.min),
      ms(m.max),
      ms(m.cpu),
      target === undefined ? '-' : `< ${target}`,
      target === undefined ? '-' : m.median < target ? 'met' : 'MISSED',
      problems,
    ]);
    if (hosts === 5000) {
      perRule.push(['(index build)', ms(measure(() => buildContext(t), 11).median)]);
      const ctx = buildContext(t);
      const timed = RULES.map((r) => ({ id: r.id, t: measure(() => r.check(ctx), 11).median }));
      for (const r of timed.sort((a, b) => b.t - a.t).slice(0, 8)) perRule.push([r.id, ms(r.t)]);
    }
  }
  const worst: (string | number)[][] = [];
  for (const hosts of [1000, 5000]) {
    const t = flatBroken(hosts);
    const problems = validate(t).length;
    const m = measure(() => validate(t), hosts >= 5000 ? 11 : 21);
    worst.push([hosts, problems, ms(m.median), ms(m.min), ms(m.max), ms(m.cpu)]);
  }
  return [
    {
      title: 'Validation: full rule check of a generated design',
      columns: ['hosts', 'services', 'real servers', 'runs', 'median ms', 'min ms', 'max ms', 'cpu ms', 'target ms', 'target', 'problems'],
      rows,
      note: 'Designs from shared/model/generate.ts (valid, so every rule runs to completion). Wall-time median of the runs after 5 warm-up runs (the target applies to it); "cpu ms" is the median CPU time of a run, which stays meaningful when other processes load the machine.',
    },
    {
      title: 'Validation: worst case — one segment, every real server broken',
      columns: ['hosts', 'problems', 'median ms', 'min ms', 'max ms', 'cpu ms'],
      rows: worst,
      note: 'No target: shows that time grows linearly with the design even when every rule reports on every host (5x hosts ≈ 5x time).',
    },
    {
      title: 'Validation: slowest rules on 5,000 hosts',
      columns: ['rule', 'median ms'],
      rows: perRule,
      note: 'Each rule on one prebuilt index (lazy route tables already warm), median of 11 runs.',
    },
  ];
}
