/**
 * Failure drill speed: a service of 100 real servers under traffic where servers die and come back
 * 1,000 times (keepalived's reactions recomputed on every kill and every return, the connection
 * table expired per expire_nodest_conn), as the classroom playground's Kill / Bring back buttons do.
 */
import { performance } from 'node:perf_hooks';
import type { BenchTable } from '../../scripts/bench.ts';
import type { VirtualService } from '../../shared/model/types.ts';
import { FailureDrill, ServiceRun, createRng } from '../../shared/simulator/index.ts';
import { directorRef, hostId, realServerId, serviceId } from '../../shared/model/ids.ts';

function service(inhibit: boolean): VirtualService {
  return {
    id: serviceId('bench'),
    director: directorRef('d'),
    protocol: 'tcp',
    vip: '10.0.0.1',
    port: 80,
    scheduler: 'wlc',
    persistence: { timeout: 300 },
    healthCheck: { kind: 'tcp', delayLoop: 6, connectTimeout: 3, retry: 1, delayBeforeRetry: 2, inhibitOnFailure: inhibit },
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

/** 1,000 failures: every 5 s one server dies, and comes back 20..80 s later. */
function run(inhibit: boolean, expire: boolean, failures: number): { ms: number; conns: number; failed: number; expired: number; applied: number } {
  const svc = service(inhibit);
  const d = new FailureDrill(new ServiceRun(svc, { ratePerSecond: 20, activeSeconds: 30, finSeconds: 120, clients: 2000 }), {
    mode: 'silent',
    policy: { expireNodestConn: expire, expireQuiescentTemplate: expire },
  });
  const rng = createRng(7);
  const back: { at: number; id: ReturnType<typeof realServerId> }[] = [];
  const t0 = performance.now();
  let t = 10;
  for (let k = 0; k < failures; k++) {
    t += 5;
    d.advance(t);
    for (let i = back.length - 1; i >= 0; i--) if (back[i]!.at <= t) d.bringBack(back.splice(i, 1)[0]!.id);
    const id = svc.realServers[rng.nextU32() % 100]!.id;
    if (!d.isDown(id)) {
      d.kill(id);
      back.push({ at: t + 20 + (rng.nextU32() % 61), id });
    }
  }
  d.advance(t + 200);
  const ms = performance.now() - t0;
  const sum = (m: ReadonlyMap<unknown, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  return { ms, conns: d.run.sent, failed: sum(d.failedConnections), expired: sum(d.expiredConnections), applied: d.applied.length };
}

export default async function (): Promise<BenchTable> {
  run(false, true, 20); // JIT warm-up
  const rows: (string | number)[][] = [];
  for (const [inhibit, expire] of [
    [false, false],
    [false, true],
    [true, true],
  ] as const) {
    const r = run(inhibit, expire, 1000);
    rows.push([
      inhibit ? 'weight 0' : 'removal',
      expire ? '1 / 1' : '0 / 0',
      '100',
      '1,000',
      r.conns.toLocaleString('en'),
      r.failed.toLocaleString('en'),
      r.expired.toLocaleString('en'),
      r.applied.toLocaleString('en'),
      '< 5000 ms',
      `${r.ms.toFixed(0)} ms`,
    ]);
  }
  return {
    title: 'Failure drill: 100 real servers × 1,000 failures under 20 connections/s (persistent wlc)',
    columns: ['keepalived', 'nodest / quiescent', 'servers', 'failures', 'connections', 'to dead servers', 'expired', 'reactions', 'target', 'measured'],
    rows,
    note:
      'TCP_CHECK delay_loop 6, connect_timeout 3, retry 1, delay_before_retry 2; a server dies every 5 s of simulated time and returns 20..80 s later. ' +
      "Each kill and return recomputes keepalived's reactions over the whole history (simulateServiceHealth), so the cost grows with the number of failures so far.",
  };
}
