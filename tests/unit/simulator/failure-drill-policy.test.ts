/**
 * The failure drill's connection table follows the director's sysctls once keepalived acts
 * (FailureDrillOptions.policy): expire_nodest_conn expires a removed server's connections,
 * expire_quiescent_template stops a weight-0 server's persistence templates from pinning clients.
 */
import { describe, expect, it } from 'vitest';
import type { VirtualService } from '../../../shared/model/types.ts';
import { directorRef, hostId, realServerId, serviceId } from '../../../shared/model/ids.ts';
import { FailureDrill, ServiceRun } from '../../../shared/simulator/index.ts';
import type { KernelFailurePolicy } from '../../../shared/simulator/health.ts';

const RS1 = realServerId('rs1');
const RS2 = realServerId('rs2');
const CHECK = { kind: 'http' as const, path: '/', delayLoop: 6, connectTimeout: 3, retry: 1, delayBeforeRetry: 1 };

const web = (extra: Partial<VirtualService> = {}): VirtualService => ({
  id: serviceId('web'),
  director: directorRef('director'),
  protocol: 'tcp',
  vip: '172.16.111.123',
  port: 80,
  scheduler: 'rr',
  healthCheck: CHECK,
  realServers: [
    { id: RS1, host: hostId('rs1'), rip: '192.168.111.101', port: 80, method: 'nat', weight: 1 },
    { id: RS2, host: hostId('rs2'), rip: '192.168.111.102', port: 80, method: 'nat', weight: 1 },
  ],
  ...extra,
});

/** Long connections (5 min ESTABLISHED), so the ones opened before the failure are still there when keepalived acts. */
function drill(s: VirtualService, policy: KernelFailurePolicy): FailureDrill {
  return new FailureDrill(new ServiceRun(s, { ratePerSecond: 10, activeSeconds: 300, finSeconds: 120 }), { mode: 'refused', policy });
}
const OFF: KernelFailurePolicy = { expireNodestConn: false, expireQuiescentTemplate: false };
const onRs1 = (d: FailureDrill) => d.run.table.connections().filter((c) => c.realServer === RS1).length;

describe('FailureDrill: existing connections per expire_nodest_conn', () => {
  it('0 (default): the removed server’s connections stay in the table until they time out; the director drops their packets', () => {
    const d = drill(web(), OFF);
    d.advance(100);
    d.kill(RS1);
    const before = onRs1(d);
    expect(before).toBeGreaterThan(400);
    d.advance(105);
    expect(d.applied.map((e) => e.kind)).toEqual(['removed']);
    // The ones opened during the 4 s window joined them.
    expect(onRs1(d)).toBe(before + d.failedConnections.get(RS1)!);
    expect(d.stranded().get(RS1)).toEqual({ count: onRs1(d), fate: 'dropped' });
    expect(d.expiredConnections.size).toBe(0);
    expect(d.run.sched.dest(RS1)!.active).toBeGreaterThan(400);
  });

  it('1: keepalived’s removal expires every connection of the server at once (ActiveConn back to 0)', () => {
    const d = drill(web(), { expireNodestConn: true, expireQuiescentTemplate: false });
    d.advance(100);
    d.kill(RS1);
    d.advance(103.9);
    const atRemoval = onRs1(d);
    expect(atRemoval).toBeGreaterThan(400);
    d.advance(105);
    expect(onRs1(d)).toBe(0);
    expect(d.expiredConnections.get(RS1)).toBe(atRemoval);
    expect(d.run.sched.dest(RS1)!.active + d.run.sched.dest(RS1)!.inactive).toBe(0);
    expect(d.stranded().size).toBe(0);
    // rs2 keeps its connections, and the run goes on (the expired entries' timers fire harmlessly later).
    expect(d.run.table.connections().filter((c) => c.realServer === RS2).length).toBeGreaterThan(400);
    d.advance(1000);
    expect(d.run.sched.dest(RS2)!.active).toBeGreaterThan(0);
  });

  it('weight 0 (inhibit_on_failure) keeps the destination available: its connections stay and go to the dead server even with expire_nodest_conn=1', () => {
    const d = drill(web({ healthCheck: { ...CHECK, inhibitOnFailure: true } }), { expireNodestConn: true, expireQuiescentTemplate: false });
    d.advance(100);
    d.kill(RS1);
    d.advance(105);
    expect(d.applied.map((e) => e.kind)).toEqual(['weight-zero']);
    expect(d.expiredConnections.size).toBe(0);
    expect(d.stranded().get(RS1)).toEqual({ count: onRs1(d), fate: 'to-dead-server' });
    expect(onRs1(d)).toBeGreaterThan(400);
  });
});

describe('FailureDrill: persistence templates per expire_quiescent_template', () => {
  const persistent = (inhibit: boolean) => web({ persistence: { timeout: 600 }, healthCheck: { ...CHECK, ...(inhibit ? { inhibitOnFailure: true } : {}) } });

  it('weight 0 with expire_quiescent_template=0: clients pinned to the dead server keep being sent to it after keepalived acted', () => {
    const d = drill(persistent(true), OFF);
    d.advance(100);
    d.kill(RS1);
    d.advance(105);
    const afterDetection = d.failedConnections.get(RS1)!;
    d.advance(130);
    expect(d.failedConnections.get(RS1)!).toBeGreaterThan(afterDetection + 50);
  });

  it('weight 0 with expire_quiescent_template=1: the templates are no longer used, new connections go to rs2', () => {
    const d = drill(persistent(true), { expireNodestConn: false, expireQuiescentTemplate: true });
    d.advance(100);
    d.kill(RS1);
    d.advance(105);
    const afterDetection = d.failedConnections.get(RS1)!;
    d.advance(130);
    expect(d.failedConnections.get(RS1)!).toBe(afterDetection);
  });

  it('removal: the server’s templates go with it whatever the sysctl (ip_vs_check_template: dest unavailable)', () => {
    const d = drill(persistent(false), OFF);
    d.advance(100);
    d.kill(RS1);
    d.advance(105);
    expect(d.droppedTemplates.get(RS1)).toBeGreaterThan(10);
    const afterDetection = d.failedConnections.get(RS1)!;
    d.advance(130);
    expect(d.failedConnections.get(RS1)!).toBe(afterDetection);
  });
});
