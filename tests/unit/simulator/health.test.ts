/**
 * The health-check simulator against keepalived's timing: for every checker kind and both ways a
 * dead server fails (refused at once / silent until the timeout), the detection time of a failure
 * at any phase of the check cycle lies in the formula's window and reaches both ends of it.
 */
import { describe, expect, it } from 'vitest';
import type { EffectiveHealthCheck } from '../../../shared/model/health.ts';
import { effectiveHealthCheck } from '../../../shared/model/health.ts';
import type { VirtualService } from '../../../shared/model/types.ts';
import { createRng, detectionWindow, failureEffects, recoveryWindow, runChecker, simulateServiceHealth } from '../../../shared/simulator/index.ts';
import type { FailureMode } from '../../../shared/simulator/index.ts';
import { directorRef, hostId, realServerId, serviceId } from '../../../shared/model/ids.ts';

const check = (
  kind: EffectiveHealthCheck['kind'],
  delayLoop: number,
  connectTimeout: number,
  retry: number,
  delayBeforeRetry: number,
  scriptTimeout = delayLoop,
): EffectiveHealthCheck => ({
  kind,
  delayLoop,
  connectTimeout,
  retry,
  delayBeforeRetry,
  scriptTimeout,
  inhibitOnFailure: false,
  alpha: false,
  port: 80,
});

const CASES: EffectiveHealthCheck[] = [
  check('tcp', 6, 3, 3, 3),
  check('tcp', 60, 5, 1, 1), // keepalived's defaults
  check('tcp', 5, 2, 0, 1),
  check('http', 6, 3, 3, 3),
  check('http', 60, 5, 1, 3), // HTTP_GET defaults
  check('ssl', 4, 1, 2, 5),
  check('misc', 6, 5, 2, 1, 4),
  check('misc', 3, 5, 1, 2, 5),
  check('misc', 60, 5, 0, 1, 60),
];

/** Detection delay of one failure at `failAt` (checks start at 1 s). */
function detect(hc: EffectiveHealthCheck, mode: FailureMode, failAt: number): number {
  const tr = runChecker(hc, [{ at: failAt, up: false }], { firstCheckAt: 1, until: failAt + 1000, failure: mode });
  expect(tr).toHaveLength(1);
  expect(tr[0]!.up).toBe(false);
  return tr[0]!.at - failAt;
}

describe('detection window = keepalived formula', () => {
  it('worked example: delay_loop 6, connect_timeout 3, retry 3, delay_before_retry 3 → 21..27 s silent, 9..15 s refused', () => {
    expect(detectionWindow(CASES[0]!, 'silent')).toEqual({ min: 21, max: 27 });
    expect(detectionWindow(CASES[0]!, 'refused')).toEqual({ min: 9, max: 15 });
    // keepalived 2.2.7 TCP_CHECK defaults: delay_loop 60, connect_timeout 5, retry 1, delay_before_retry 1.
    const defaults = effectiveHealthCheck({
      id: serviceId('s'),
      director: directorRef('d'),
      protocol: 'tcp',
      vip: '10.0.0.1',
      port: 80,
      scheduler: 'rr',
      healthCheck: { kind: 'tcp' },
      realServers: [],
    })!;
    expect(detectionWindow(defaults, 'silent')).toEqual({ min: 11, max: 71 });
  });

  for (const hc of CASES) {
    for (const mode of ['refused', 'silent'] as const) {
      it(`${hc.kind} delay_loop ${hc.delayLoop} timeout ${hc.kind === 'misc' ? hc.scriptTimeout : hc.connectTimeout} retry ${hc.retry} delay_before_retry ${hc.delayBeforeRetry}, ${mode}`, () => {
        const w = detectionWindow(hc, mode);
        let lo = Infinity;
        let hi = -Infinity;
        // Failures at 200 phases of one check cycle, long after start (steady state).
        const cycle = hc.kind === 'misc' ? Math.max(hc.delayLoop, 0) : hc.delayLoop;
        for (let i = 0; i < 200; i++) {
          const d = detect(hc, mode, 1 + 50 * cycle + (i / 200) * cycle);
          lo = Math.min(lo, d);
          hi = Math.max(hi, d);
          expect(d).toBeGreaterThanOrEqual(w.min - 1e-9);
          expect(d).toBeLessThanOrEqual(w.max + 1e-9);
        }
        expect(lo).toBeCloseTo(w.min, 6);
        expect(hi).toBeGreaterThan(w.max - cycle / 200 - 1e-9);
      });
    }
  }
});

describe('recovery window', () => {
  for (const hc of CASES) {
    for (const mode of ['refused', 'silent'] as const) {
      it(`${hc.kind} ${hc.delayLoop}/${hc.connectTimeout}/${hc.retry}/${hc.delayBeforeRetry} ${mode}: back in the table within the window`, () => {
        const w = recoveryWindow(hc, mode);
        let hi = -Infinity;
        // Sample a whole down-cycle of attempts (TCP_CHECK keeps retrying while down).
        const span = (hc.retry + 2) * (w.max + 1);
        for (let i = 0; i < 400; i++) {
          const back = 500 + (i / 400) * span;
          const tr = runChecker(
            hc,
            [
              { at: 100, up: false },
              { at: back, up: true },
            ],
            { firstCheckAt: 1, until: back + 1000, failure: mode },
          );
          const up = tr.find((x) => x.up)!;
          expect(up.at - back).toBeGreaterThanOrEqual(w.min - 1e-9);
          expect(up.at - back).toBeLessThanOrEqual(w.max + 1e-9);
          hi = Math.max(hi, up.at - back);
        }
        expect(hi).toBeGreaterThan(w.max - span / 400 - 1e-9);
      });
    }
  }

  it('HTTP_GET needs two successes delay_loop apart (keepalived 2.2.7 clears the failed URL first)', () => {
    const tr = runChecker(
      check('http', 6, 3, 1, 3),
      [
        { at: 100, up: false },
        { at: 200, up: true },
      ],
      { firstCheckAt: 1, until: 400, failure: 'refused' },
    );
    const up = tr.find((x) => x.up)!;
    expect(up.at - 200).toBeGreaterThanOrEqual(6);
  });

  it('a failure shorter than the detection window is never noticed', () => {
    expect(
      runChecker(
        check('tcp', 6, 3, 3, 3),
        [
          { at: 100, up: false },
          { at: 101, up: true },
        ],
        { firstCheckAt: 1, until: 300, failure: 'refused' },
      ).filter((x) => !x.up).length,
    ).toBeLessThanOrEqual(0);
  });

  it('alpha: the server enters the table only after its first successful check', () => {
    expect(runChecker({ ...check('tcp', 6, 3, 1, 1), alpha: true }, [], { firstCheckAt: 2.5, until: 20, failure: 'refused' })).toEqual([{ at: 2.5, up: true }]);
  });
});

const web = (extra: Partial<VirtualService> = {}): VirtualService => ({
  id: serviceId('web'),
  director: directorRef('director'),
  protocol: 'tcp',
  vip: '172.16.111.123',
  port: 80,
  scheduler: 'rr',
  healthCheck: { kind: 'http', path: '/', delayLoop: 6, connectTimeout: 3, retry: 1, delayBeforeRetry: 1, sorryServer: { ip: '192.168.111.150', port: 80 } },
  realServers: [
    { id: realServerId('rs1'), host: hostId('rs1'), rip: '192.168.111.101', port: 80, method: 'nat', weight: 1 },
    { id: realServerId('rs2'), host: hostId('rs2'), rip: '192.168.111.102', port: 80, method: 'nat', weight: 1 },
  ],
  ...extra,
});

describe('simulateServiceHealth', () => {
  it('kill rs1, bring it back: SYN to a dead server inside the window, removed after it, back after recovery', () => {
    const r = simulateServiceHealth(
      web(),
      {
        rs1: [
          { at: 100, up: false },
          { at: 200, up: true },
        ],
      },
      { until: 300, failure: 'refused', firstCheckAt: { rs1: 1, rs2: 1 } },
    );
    const w = r.windows[0]!;
    expect(w.failedAt).toBe(100);
    // Checks at 1, 7, ..., 97, 103: failure at 103, retry 1 s later → removed at 104.
    expect(w.detectedAt).toBe(104);
    expect(r.connectionAt('rs1', 101)).toBe('syn-to-dead-server');
    expect(r.connectionAt('rs1', 105)).toBe('not-in-table');
    expect(r.connectionAt('rs2', 105)).toBe('served');
    expect(r.tableAt(150).map((e) => e.server)).toEqual(['rs2']);
    expect(w.restoredAt).toBeGreaterThanOrEqual(206);
    expect(r.tableAt(w.restoredAt!).map((e) => e.server)).toEqual(['rs1', 'rs2']);
    expect(w.effects?.connections).toBe('kept');
    expect(r.events.map((e) => e.kind)).toEqual(['server-down', 'removed', 'server-up', 'added']);
  });

  it('inhibit_on_failure keeps rs1 in the table with weight 0', () => {
    const s = web({ healthCheck: { ...web().healthCheck!, inhibitOnFailure: true } });
    const r = simulateServiceHealth(s, { rs1: [{ at: 100, up: false }] }, { until: 200, failure: 'refused', firstCheckAt: { rs1: 1, rs2: 1 } });
    expect(r.tableAt(150)).toEqual([
      { server: 'rs1', weight: 0, alive: false },
      { server: 'rs2', weight: 1, alive: true },
    ]);
    expect(r.events.find((e) => e.kind === 'weight-zero')).toMatchObject({ server: 'rs1', at: 104 });
  });

  it('every server down: quorum lost, the sorry server takes over; one back: quorum regained', () => {
    const r = simulateServiceHealth(
      web(),
      {
        rs1: [
          { at: 100, up: false },
          { at: 300, up: true },
        ],
        rs2: [{ at: 100, up: false }],
      },
      { until: 400, failure: 'silent', firstCheckAt: { rs1: 1, rs2: 4 } },
    );
    const lost = r.events.find((e) => e.kind === 'quorum-lost')!;
    expect(lost).toMatchObject({ aliveWeight: 0, sorryServer: '192.168.111.150:80' });
    expect(r.tableAt(lost.at + 1)).toEqual([{ server: '192.168.111.150:80', weight: 1, alive: true, sorry: true }]);
    const gained = r.events.find((e) => e.kind === 'quorum-gained')!;
    expect(gained.at).toBeGreaterThan(300);
    expect(r.tableAt(gained.at).map((e) => e.server)).toEqual(['rs1']);
  });

  it('keepalived picks the first check at 1 s + a random part of delay_loop (seeded)', () => {
    const a = simulateServiceHealth(web(), { rs1: [{ at: 100, up: false }] }, { until: 200, failure: 'refused', rng: createRng(7) });
    const b = simulateServiceHealth(web(), { rs1: [{ at: 100, up: false }] }, { until: 200, failure: 'refused', rng: createRng(7) });
    expect(a.windows).toEqual(b.windows);
    const d = a.windows[0]!.detectedAt! - 100;
    expect(d).toBeGreaterThanOrEqual(1);
    expect(d).toBeLessThanOrEqual(7);
  });
});

describe('failureEffects: what the kernel keeps', () => {
  it.each([
    [false, false, false, false, 'kept', 'kept'],
    [false, true, true, false, 'expired', 'expired'],
    [true, true, false, false, 'kept', 'kept'],
    [true, true, false, true, 'kept', 'expired'],
    [false, true, false, false, 'kept', 'expired'],
    [true, false, true, true, 'kept', 'none'],
  ] as const)(
    'inhibited %s persistent %s expire_nodest_conn %s expire_quiescent_template %s → connections %s, templates %s',
    (inhibited, persistent, nodest, quiescent, conns, templates) => {
      const e = failureEffects(inhibited, persistent, { expireNodestConn: nodest, expireQuiescentTemplate: quiescent });
      expect(e.connections).toBe(conns);
      expect(e.templates).toBe(persistent ? templates : 'none');
      expect(e.explanation.length).toBeGreaterThan(20);
    },
  );
});
