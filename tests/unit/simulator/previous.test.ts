/**
 * `lvsd simulate --previous N` and `lvsd schedule --active 0` answer "where does the next connection
 * go" from one model: earlier connections closed at once still count in InActConn for the TCP FIN
 * timeout, so lc/wlc/sed/nq spread them instead of always predicting the first server.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDesignFile } from '../../../shared/model/file.ts';
import type { Scheduler, Topology } from '../../../shared/model/types.ts';
import { ConnectionTable, IpvsScheduler, replayClosedConnections, simulate, simulateConnections } from '../../../shared/simulator/index.ts';
import { hostId, realServerId, serviceId } from '../../../shared/model/ids.ts';

function natLab(scheduler: Scheduler, weights: readonly number[]): Topology {
  const r = parseDesignFile(readFileSync('examples/nat-lab.lvs.json', 'utf8'));
  if (!r.ok) throw new Error(r.error.message);
  const t = r.value.topology;
  return { ...t, services: t.services.map((s) => ({ ...s, scheduler, realServers: s.realServers.map((rs, i) => ({ ...rs, weight: weights[i]! })) })) };
}

const CLIENT_IP = '172.16.111.13';

describe('simulate --previous N shares the connection model of schedule --active 0', () => {
  for (const scheduler of ['lc', 'wlc', 'sed', 'nq', 'rr', 'wrr'] as const) {
    for (const weights of [
      [1, 1],
      [1, 3],
    ]) {
      it(`${scheduler} ${weights.join(':')}: the trace's real server is the ${'schedule'} run's next assignment, for 0..7 earlier connections`, () => {
        const t = natLab(scheduler, weights);
        expect(t.hosts.find((h) => h.id === 'client')!.interfaces.some((f) => f.addresses.includes(`${CLIENT_IP}/24`))).toBe(true);
        const traced: string[] = [];
        const scheduled: string[] = [];
        for (let n = 0; n <= 7; n++) {
          const trace = simulate(t, { client: hostId('client'), service: serviceId('web'), previousConnections: n }, { seed: 1 });
          expect(trace.outcome.status).toBe('ok');
          traced.push(trace.realServer!);
          const run = simulateConnections(t, serviceId('web'), { connections: n + 1, clients: [CLIENT_IP], activeSeconds: 0, recordAssignments: n + 1 });
          scheduled.push(run.assignments[n]!);
        }
        expect(traced).toEqual(scheduled);
        // lc/wlc count InActConn (overhead = active*256 + inactive), so closed connections give both
        // real servers turns; sed/nq look at ActiveConn only (ip_vs_sed_dest_overhead), so with
        // every earlier connection closed they keep choosing the same one — in both paths alike.
        expect(new Set(traced).size).toBe(scheduler === 'sed' || scheduler === 'nq' ? 1 : 2);
      });
    }
  }

  it('wlc 1:1 alternates and a connection closed more than 2 minutes ago no longer counts', () => {
    const t = natLab('wlc', [1, 1]);
    const picks = [0, 1, 2, 3].map((n) => simulate(t, { client: hostId('client'), service: serviceId('web'), previousConnections: n }, { seed: 1 }).realServer);
    // Kernel list order is newest first (web-rs2, web-rs1); a tie goes to the first in the list.
    expect(picks).toEqual(['web-rs2', 'web-rs1', 'web-rs2', 'web-rs1']);
    const svc = t.services[0]!;
    const sched = IpvsScheduler.forService(svc);
    const table = new ConnectionTable(sched);
    replayClosedConnections(table, { caddr: 0xac106f0d, daddr: 0xac106f7b, dport: 80 }, 1);
    expect(sched.dest(realServerId('web-rs2'))!.inactive).toBe(1);
    table.advance(120.001);
    expect(sched.dest(realServerId('web-rs2'))!.inactive).toBe(0);
    expect(table.size).toBe(0);
  });
});
