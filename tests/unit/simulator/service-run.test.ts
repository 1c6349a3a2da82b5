/** The stepwise run the classroom's scheduler playground drives (shared/simulator/connections.ts). */
import { describe, expect, it } from 'vitest';
import type { Scheduler, VirtualService } from '../../../shared/model/types.ts';
import { ServiceRun } from '../../../shared/simulator/index.ts';
import { directorRef, hostId, realServerId, serviceId } from '../../../shared/model/ids.ts';

const svc = (scheduler: Scheduler, weights: number[], extra: Partial<VirtualService> = {}): VirtualService => ({
  id: serviceId('s'),
  director: directorRef('d'),
  protocol: 'tcp',
  vip: '10.0.0.100',
  port: 80,
  scheduler,
  realServers: weights.map((w, i) => ({ id: realServerId('AB'[i]!), host: hostId('h'), rip: `10.0.1.${i + 1}`, port: 80, method: 'dr', weight: w })),
  ...extra,
});

describe('ServiceRun', () => {
  it('sends arrivals at the rate and follows wrr weights; a drain stops new connections, existing ones continue', () => {
    const run = new ServiceRun(svc('wrr', [3, 1]), { ratePerSecond: 10, activeSeconds: 4 });
    run.sendUpTo(40);
    expect(run.sent).toBe(40);
    expect(run.now).toBeCloseTo(3.9, 9);
    expect(Object.fromEntries(run.assigned)).toEqual({ A: 30, B: 10 });
    run.drain(realServerId('B'));
    expect(run.sched.dest(realServerId('B'))!.active).toBeGreaterThan(0);
    run.sendUpTo(60);
    expect(Object.fromEntries(run.assigned)).toEqual({ A: 50, B: 10 });
    expect(run.events).toMatchObject([{ kind: 'weight', realServer: 'B', from: 1, to: 0 }]);
    expect(run.events[0]!.t).toBeCloseTo(3.9, 9);
  });

  it('moves connections ESTABLISHED → InActConn for the FIN timeout → gone, as the kernel counts them', () => {
    const run = new ServiceRun(svc('rr', [1, 1]), { ratePerSecond: 1, activeSeconds: 2, finSeconds: 5 });
    run.advance(0.5, 1); // one connection at t=0
    const a = run.sched.dest(realServerId('B'))!; // rr starts at the list head: B (added last)
    expect([a.active, a.inactive]).toEqual([1, 0]);
    run.advance(2.5, 1);
    expect([a.active, a.inactive]).toEqual([0, 1]);
    expect(run.table.connections().map((c) => c.state)).toEqual(['FIN_WAIT']);
    expect(run.idle).toBe(false);
    run.advance(7.5, 1);
    expect([a.active, a.inactive]).toEqual([0, 0]);
    expect(run.idle).toBe(true);
    expect(run.samples.some((s) => s.inactive[1] === 1)).toBe(true);
  });

  it('switches the scheduler live (ipvsadm -E -s): counters stay, the new algorithm decides from then on', () => {
    const run = new ServiceRun(svc('rr', [1, 1]), { ratePerSecond: 10, activeSeconds: 100 });
    run.sendUpTo(3); // rr: B, A, B → B has 2 active, A has 1
    expect(run.recent.map((r) => r.realServer)).toEqual(['B', 'A', 'B']);
    run.setScheduler('lc');
    expect(run.events.at(-1)).toEqual({ t: run.now, kind: 'scheduler', from: 'rr', to: 'lc' });
    expect(run.sched.name).toBe('lc');
    expect(run.sched.dest(realServerId('B'))!.active).toBe(2);
    run.sendUpTo(4); // lc: A (1 active) has the smaller overhead
    expect(run.recent[0]!.realServer).toBe('A');
    for (const name of ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh', 'twos'] as const) {
      run.setScheduler(name);
      run.sendUpTo(run.sent + 1);
      expect(run.sched.name).toBe(name);
      // ovf refuses once every server has more active connections than its weight (all do by now).
      if (name === 'ovf') expect(run.recent[0]!.realServer).toBeNull();
      else expect(run.recent[0]!.realServer, name).not.toBeNull();
    }
  });

  it('keeps persistence templates per client while they control connections, and lets them expire', () => {
    const run = new ServiceRun(svc('rr', [1, 1]), { ratePerSecond: 10, activeSeconds: 1, finSeconds: 2, clients: 3, persistence: { timeout: 30 } });
    run.sendUpTo(6);
    const templates = run.sched.templatesSnapshot();
    expect(templates.map((t) => t.client)).toEqual([0x0a000001, 0x0a000002, 0x0a000003]);
    expect(templates.map((t) => t.realServer)).toEqual(['B', 'A', 'B']);
    // Client 1's second connection (#4) went where its template says.
    expect(run.recent.map((r) => r.realServer).reverse()).toEqual(['B', 'A', 'B', 'B', 'A', 'B']);
    run.advance(100, run.sent); // no new arrivals: the templates time out
    expect(run.sched.templatesSnapshot()).toEqual([]);
  });
});
