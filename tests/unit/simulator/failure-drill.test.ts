/** The failure drill the playground's Kill / Bring back buttons drive (shared/simulator/failure-drill.ts). */
import { describe, expect, it } from 'vitest';
import type { VirtualService } from '../../../shared/model/types.ts';
import { directorRef, hostId, realServerId, serviceId } from '../../../shared/model/ids.ts';

const RS1 = realServerId('rs1');
const RS2 = realServerId('rs2');
import { FailureDrill, ServiceRun, drillDetection, simulateServiceHealth } from '../../../shared/simulator/index.ts';

const web = (extra: Partial<VirtualService> = {}): VirtualService => ({
  id: serviceId('web'),
  director: directorRef('director'),
  protocol: 'tcp',
  vip: '172.16.111.123',
  port: 80,
  scheduler: 'rr',
  healthCheck: { kind: 'http', path: '/', delayLoop: 6, connectTimeout: 3, retry: 1, delayBeforeRetry: 1 },
  realServers: [
    { id: RS1, host: hostId(RS1), rip: '192.168.111.101', port: 80, method: 'nat', weight: 1 },
    { id: RS2, host: hostId(RS2), rip: '192.168.111.102', port: 80, method: 'nat', weight: 1 },
  ],
  ...extra,
});

const drill = (s: VirtualService, mode: 'refused' | 'silent' = 'refused') =>
  new FailureDrill(new ServiceRun(s, { ratePerSecond: 10, activeSeconds: 1, finSeconds: 2 }), { mode });

describe('FailureDrill', () => {
  it('kill rs1 at 100 s: rr keeps picking it until keepalived removes it at 104 s (the same time simulateServiceHealth computes); those connections fail; then rs2 only', () => {
    const d = drill(web());
    d.advance(100);
    const before = d.run.assigned.get(RS1)!;
    d.kill(RS1);
    expect(d.isDown(RS1)).toBe(true);
    const expected = simulateServiceHealth(web(), { rs1: [{ at: 100, up: false }] }, { until: 400, failure: 'refused', firstCheckAt: { rs1: 1, rs2: 1 } });
    expect(d.windows[0]).toMatchObject({ server: 'rs1', failedAt: 100, detectedAt: expected.windows[0]!.detectedAt });
    expect(d.windows[0]!.detectedAt).toBe(104);
    d.advance(104);
    // rr alternates: half of the ~40 connections of the 4 s window went to the dead rs1.
    const failed = d.failedConnections.get(RS1)!;
    expect(failed).toBe(d.run.assigned.get(RS1)! - before);
    expect(failed).toBeGreaterThanOrEqual(19);
    expect(failed).toBeLessThanOrEqual(21);
    expect(d.run.sched.dest(RS1)!.weight).toBe(0);
    d.advance(150);
    expect(d.run.assigned.get(RS1)! - before).toBe(failed);
    expect(d.failedConnections.get(RS2) ?? 0).toBe(0);
    expect(d.applied.map((e) => e.kind)).toEqual(['removed']);
  });

  it('bring rs1 back at 200 s: keepalived adds it after the recovery window and it gets connections again', () => {
    const d = drill(web());
    d.advance(100);
    d.kill(RS1);
    d.advance(200);
    d.bringBack(RS1);
    expect(d.isDown(RS1)).toBe(false);
    const w = d.windows[0]!;
    expect(w.recoveredAt).toBe(200);
    expect(w.restoredAt).toBeGreaterThan(200);
    const atRestore = d.run.assigned.get(RS1)!;
    d.advance(w.restoredAt! - 0.001);
    expect(d.run.assigned.get(RS1)).toBe(atRestore);
    d.advance(w.restoredAt! + 10);
    expect(d.run.assigned.get(RS1)!).toBeGreaterThan(atRestore + 40);
    expect(d.applied.map((e) => e.kind)).toEqual(['removed', 'added']);
  });

  it('sendUpTo stops the clock at the last arrival, as ServiceRun.sendUpTo does, and applies keepalived on the way', () => {
    const d = drill(web());
    d.advance(100);
    d.kill(RS1);
    d.sendUpTo(d.run.sent + 100);
    // 100 more arrivals at 10/s after the one at 100 s: the last at 110 s, where the clock stops; rs1 was taken out at 104 s.
    expect(d.run.now).toBeCloseTo(110, 6);
    expect(d.applied).toMatchObject([{ kind: 'removed', server: 'rs1', at: 104 }]);
    expect(d.failedConnections.get(RS1)).toBeGreaterThanOrEqual(19);
    expect(d.failedConnections.get(RS1)).toBeLessThanOrEqual(21);
  });

  it('inhibit_on_failure: weight 0 instead of removal, at the same moment', () => {
    const s = web({ healthCheck: { ...web().healthCheck!, inhibitOnFailure: true } });
    const d = drill(s);
    d.advance(100);
    d.kill(RS1);
    d.advance(110);
    expect(d.applied).toMatchObject([{ kind: 'weight-zero', server: 'rs1', at: 104 }]);
  });

  it('a host that is off (silent) is noticed later than a stopped service (refused): connect_timeout per attempt', () => {
    const refused = drillDetection(web(), RS1, 'refused')!;
    const silent = drillDetection(web(), RS1, 'silent')!;
    expect(silent.min).toBeGreaterThan(refused.min);
    const d = drill(web(), 'silent');
    d.advance(100);
    d.kill(RS1);
    expect(d.windows[0]!.detectedAt! - 100).toBeGreaterThan(4);
  });

  it('without a health check nothing takes the dead server out: every connection rr gives it fails', () => {
    const { healthCheck: _none, ...noCheck } = web();
    void _none;
    expect(drillDetection(noCheck, RS1, 'refused')).toBeNull();
    const d = drill(noCheck);
    d.advance(10);
    d.kill(RS1);
    d.advance(60);
    expect(d.windows).toEqual([]);
    expect(d.failedConnections.get(RS1)).toBeGreaterThanOrEqual(249);
    expect(d.run.sched.dest(RS1)!.weight).toBe(1);
  });
});
