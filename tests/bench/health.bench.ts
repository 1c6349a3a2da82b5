/**
 * Health-check simulation speed: the detection windows of 100 real servers that each fail and come
 * back 1,000 times (100,000 failures), through simulateServiceHealth, for each checker kind.
 */
import { performance } from 'node:perf_hooks';
import type { BenchTable } from '../../scripts/bench.ts';
import type { HealthCheck, VirtualService } from '../../shared/model/types.ts';
import { createRng, simulateServiceHealth } from '../../shared/simulator/index.ts';
import type { ServerStateChange } from '../../shared/simulator/index.ts';
import { directorRef, hostId, realServerId, serviceId } from '../../shared/model/ids.ts';

function service(check: HealthCheck): VirtualService {
  return {
    id: serviceId('bench'),
    director: directorRef('d'),
    protocol: 'tcp',
    vip: '10.0.0.1',
    port: 80,
    scheduler: 'wrr',
    healthCheck: check,
    realServers: Array.from({ length: 100 }, (_, i) => ({
      id: realServerId(`rs${i}`),
      host: hostId(`rs${i}`),
      rip: `10.1.${i >> 8}.${(i & 255) + 1}`,
      port: 80,
      method: 'nat' as const,
      weight: 1 + (i % 5),
    })),
  };
}

export default async function (): Promise<BenchTable> {
  const rows: (string | number)[][] = [];
  const failures = 1000;
  // Warm the JIT up on a small run first, as the other benches do.
  simulateServiceHealth(service({ kind: 'tcp', delayLoop: 6 }), { rs0: [{ at: 100, up: false }] }, { until: 5000, failure: 'silent' });
  for (const check of [
    { kind: 'tcp', delayLoop: 6, connectTimeout: 3, retry: 3, delayBeforeRetry: 3 },
    { kind: 'http', path: '/', delayLoop: 6, connectTimeout: 3, retry: 3, delayBeforeRetry: 3 },
    { kind: 'misc', script: '/usr/local/bin/check', delayLoop: 6, scriptTimeout: 3, retry: 3, delayBeforeRetry: 3 },
  ] as HealthCheck[]) {
    const svc = service(check);
    const rng = createRng(1);
    // Each server: down for 30..90 s, up for 60..240 s, 1,000 times.
    const changes: Record<string, ServerStateChange[]> = {};
    let until = 0;
    for (const rs of svc.realServers) {
      const list: ServerStateChange[] = [];
      let t = 10;
      for (let k = 0; k < failures; k++) {
        t += 60 + (rng.nextU32() % 180);
        list.push({ at: t, up: false });
        t += 30 + (rng.nextU32() % 60);
        list.push({ at: t, up: true });
      }
      changes[rs.id] = list;
      until = Math.max(until, t + 120);
    }
    const t0 = performance.now();
    const r = simulateServiceHealth(svc, changes, { until, failure: 'silent', rng: createRng(2) });
    const ms = performance.now() - t0;
    const detected = r.windows.filter((w) => w.detectedAt !== undefined);
    const worst = Math.max(...detected.map((w) => w.detectedAt! - w.failedAt));
    rows.push([
      check.kind,
      '100',
      (100 * failures).toLocaleString('en'),
      `${detected.length.toLocaleString('en')}`,
      `${worst.toFixed(1)} s`,
      '< 2000 ms',
      `${ms.toFixed(0)} ms`,
    ]);
  }
  return {
    title: 'Health checks: detection windows of 100 real servers × 1,000 failures (silent failures)',
    columns: ['checker', 'servers', 'failures', 'detected', 'worst window', 'target', 'measured'],
    rows,
    note: 'delay_loop 6, connect_timeout/misc_timeout 3, retry 3, delay_before_retry 3: formula window 21..27 s.',
  };
}
