import { describe, expect, it } from 'vitest';
import type { Scheduler, VirtualService } from '../../../shared/model/types.ts';
import { IpvsScheduler, hsiphashU32, kernelOrder, scheduleSequence, simulateConnections, sipHashBytes, sipKey } from '../../../shared/simulator/index.ts';
import { directorRef, hostId, realServerId, serviceId } from '../../../shared/model/ids.ts';

const LETTERS = 'ABCDEFGH';
/** A service whose real servers are named A, B, C… in **design** order (A added first). */
const svc = (scheduler: Scheduler, weights: number[], extra: Partial<VirtualService> = {}): VirtualService => ({
  id: serviceId('s'),
  director: directorRef('d'),
  protocol: 'tcp',
  vip: '10.0.0.100',
  port: 80,
  scheduler,
  realServers: weights.map((w, i) => ({ id: realServerId(LETTERS[i]!), host: hostId('h'), rip: `10.0.1.${i + 1}`, port: 80, method: 'dr', weight: w })),
  ...extra,
});
const name = (rip: string | null): string => (rip ? LETTERS[Number(rip.split('.')[3]) - 1]! : '-');
const seq = (s: VirtualService, n: number, o: Parameters<typeof scheduleSequence>[2] = {}): string => scheduleSequence(s, n, o).map(name).join('');
const topo = (s: VirtualService) => ({ name: 't', segments: [], hosts: [], services: [s] });

describe('kernel list order', () => {
  it('is newest first: design order reversed', () => {
    expect(kernelOrder(['A', 'B', 'C'])).toEqual(['C', 'B', 'A']);
    expect(new IpvsScheduler('rr', svc('rr', [1, 1, 1]).realServers).dests.map((d) => d.id)).toEqual(['C', 'B', 'A']);
  });
  it('a real server added later goes to the head', () => {
    const s = new IpvsScheduler('rr', svc('rr', [1, 1]).realServers);
    s.addRealServer({ id: realServerId('C'), rip: '10.0.1.3', port: 80, weight: 1 });
    expect(s.dests.map((d) => d.id)).toEqual(['C', 'B', 'A']);
  });
});

describe('selection sequences', () => {
  it('rr walks the list from the head', () => {
    expect(seq(svc('rr', [1, 1, 1]), 7)).toBe('CBACBAC');
    expect(seq(svc('rr', [1, 0, 1]), 4)).toBe('CACA');
  });

  it('wrr built as ipvsadm builds it (empty service, one add per server) follows the kernel', () => {
    // The real kernel (tests/lab/real-kernel.test.ts) gives CBAABACBA for a service restored with
    // weights 4,3,2 in design order: the list is newest first (C first) and wrr's cw survives each
    // add, so the cycle starts in another phase than the fact sheet's AABABCABC for a service born
    // with all its servers.
    expect(seq(svc('wrr', [4, 3, 2]), 18)).toBe('CBAABACBA'.repeat(2));
    expect(seq(svc('wrr', [2, 3, 4]), 18)).toBe('CBACCBCBA'.repeat(2));
    expect(seq(svc('wrr', [2, 4]), 6)).toBe('BABBAB');
    expect(seq(svc('wrr', [1, 1, 5]), 7)).toBe('CBACCCC');
    expect(seq(svc('wrr', [0, 0]), 2)).toBe('--');
  });

  it('lc takes the first minimum of (active<<8)+inactive', () => {
    expect(seq(svc('lc', [1, 1, 1]), 7)).toBe('CBACBAC');
    expect(seq(svc('lc', [1, 5, 1]), 6, { lifecycle: 'close' })).toBe('CCCCCC');
  });

  it('wlc cross-multiplies overhead and weight, first server wins ties', () => {
    expect(seq(svc('wlc', [1, 2]), 9)).toBe('BABBABBAB');
    expect(seq(svc('wlc', [1, 1, 1]), 6)).toBe('CBACBA');
  });

  it('sed uses active+1 and ignores inactive', () => {
    expect(seq(svc('sed', [1, 2]), 9, { lifecycle: 'establish' })).toBe('BBABBABBA');
    // Inactive connections do not count: everything goes to the first server.
    expect(seq(svc('sed', [1, 2]), 4, { lifecycle: 'keep' })).toBe('BBBB');
  });

  it('nq takes an idle server first, then behaves like sed', () => {
    expect(seq(svc('nq', [1, 2]), 9, { lifecycle: 'establish' })).toBe('BABBBABBA');
  });

  it('fo takes the highest weight; ties go to the first in list order', () => {
    expect(seq(svc('fo', [1, 3, 3]), 3)).toBe('CCC');
    expect(seq(svc('fo', [5, 3, 3]), 2)).toBe('AA');
  });

  it('ovf overflows once active exceeds the weight', () => {
    expect(seq(svc('ovf', [2, 3]), 8, { lifecycle: 'establish' })).toBe('BBBBAAA-');
  });

  it('sh maps each client address to a fixed bucket (hash_32 of the address)', () => {
    const clients = ['192.168.0.1', '192.168.0.2', '192.168.0.3', '203.0.113.9'];
    const kernel = ['C', 'B', 'A'];
    const bucket = (a: string): number => {
      const v = a.split('.').reduce((acc, o) => acc * 256n + BigInt(o), 0n);
      return Number(((v * 0x61c88647n) & 0xffffffffn) >> 24n);
    };
    const expected = [...clients, ...clients].map((c) => kernel[bucket(c) % 3]).join('');
    expect(seq(svc('sh', [1, 1, 1]), 8, { clients })).toBe(expected);
    // A quiesced server's clients get nothing without sh-fallback, another server with it.
    const s = new IpvsScheduler('sh', svc('sh', [1, 1, 1]).realServers, {});
    s.setWeight(realServerId('A'), 0);
    const table = s.bucketSnapshot();
    // Weight 0 still takes one bucket per round of the table: the kernel's `++d_count >= weight`.
    expect(table.filter((x) => x === 'A').length).toBe(85);
    const victim = clients.find((c) => table[bucket(c)] === 'A')!;
    expect(victim).toBeDefined();
    expect(scheduleSequence(svc('sh', [0, 1, 1]), 1, { clients: [victim] })).toEqual([null]);
    expect(scheduleSequence(svc('sh', [0, 1, 1], { schedulerFlags: ['sh-fallback'] }), 1, { clients: [victim] })[0]).not.toBeNull();
  });

  it('sh gives each server weight consecutive buckets', () => {
    const s = new IpvsScheduler('sh', svc('sh', [1, 2]).realServers);
    expect(s.bucketSnapshot().slice(0, 6)).toEqual(['B', 'B', 'A', 'B', 'B', 'A']);
  });

  it('dh hashes the destination address with hash_32(ntohl(daddr), 8), as ip_vs_dh.c in 6.1', () => {
    // Buckets are dealt round robin over the kernel list C, B, A; bucket b holds ['C','B','A'][b % 3].
    // hash_32(v, 8) = (v * 0x61C88647 mod 2^32) >> 24, by hand:
    //   10.0.0.1   0x0a000001 * 0x61C88647 = 0x27C88647 → 0x27 = 39  → 39 % 3 = 0 → C
    //   10.0.0.2   0x0a000002 → 0x89910C8E → 0x89 = 137 → 137 % 3 = 2 → A
    //   10.0.0.3   0x0a000003 → 0xEB5992D5 → 0xEB = 235 → 235 % 3 = 1 → B
    //   10.0.0.100 0x0a000064 → 0xF84530B4 → 0xF8 = 248 → 248 % 3 = 2 → A  (the service VIP)
    // The old multiplicative hash ((addr * 2654435761) & 255, the low bits) gave C, B, A, C.
    expect(seq(svc('dh', [1, 1, 1]), 4)).toBe('AAAA');
    const s = new IpvsScheduler('dh', svc('dh', [1, 1, 1]).realServers);
    expect(s.bucketSnapshot().slice(0, 4)).toEqual(['C', 'B', 'A', 'C']);
    expect([0x0a000001, 0x0a000002, 0x0a000003].map((d) => s.connect(1, 1, d, 80)!.id)).toEqual(['C', 'A', 'B']);
    expect(s.explain(1, 1, 0x0a000064).bucket).toBe(248);
  });

  it('mh builds a deterministic Maglev table of 4093 slots', () => {
    const s = new IpvsScheduler('mh', svc('mh', [1, 1, 1]).realServers);
    const table = s.mhTableSnapshot();
    expect(table.length).toBe(4093);
    const counts: Record<string, number> = {};
    for (const x of table) counts[x ?? '-'] = (counts[x ?? '-'] ?? 0) + 1;
    expect(counts).toEqual({ A: 1364, B: 1364, C: 1365 });
    expect(table.slice(0, 12).join('')).toBe('CBCBACBCCCAA');
    expect(seq(svc('mh', [1, 1, 1]), 12)).toBe('AAACACCBAABB');
    // Weights 1:3 give roughly a quarter of the slots to A.
    const w = new IpvsScheduler('mh', svc('mh', [1, 3]).realServers).mhTableSnapshot();
    expect(w.filter((x) => x === 'A').length).toBeGreaterThan(900);
    expect(w.filter((x) => x === 'A').length).toBeLessThan(1150);
    // Quiescing keeps the table (last_weight) and refuses the quiesced server's clients.
    const q = new IpvsScheduler('mh', svc('mh', [1, 1, 1]).realServers);
    q.setWeight(realServerId('A'), 0);
    expect(q.mhTableSnapshot()).toEqual(table);
  });

  it('mh refuses more real servers than table slots, as the kernel does', () => {
    const many = Array.from({ length: 252 }, (_, i) => ({ id: realServerId(`r${i}`), rip: `10.9.${i >> 8}.${(i & 255) + 1}`, port: 80, weight: 1 }));
    const s = new IpvsScheduler('mh', many, { mhTableIndex: 8 });
    expect(s.problem).toMatch(/252 real servers do not fit a 251-slot table/);
    expect(s.connect(1, 1)).toBeNull();
    expect(new IpvsScheduler('mh', many.slice(0, 251), { mhTableIndex: 8 }).problem).toBeNull();
  });

  it('lblc keeps a destination on its server until it is overloaded', () => {
    expect(seq(svc('lblc', [1, 1]), 6)).toBe('BBBBBB');
  });

  it('lblcr grows the server set of a destination when its server is overloaded', () => {
    const s = new IpvsScheduler('lblcr', svc('lblcr', [2, 2]).realServers);
    const out: string[] = [];
    for (let i = 0; i < 8; i++) {
      const d = s.connect(i + 1, 1000, 0x0a000064, 80)!;
      s.establish(d);
      out.push(d.id);
    }
    expect(out.join('')).toBe('BBBAAAAB');
    expect(s.lblcrSet(0x0a000064)).toEqual(['A', 'B']);
  });

  it('twos is random but seeded', () => {
    const a = seq(svc('twos', [1, 1, 1]), 30, { seed: 5 });
    expect(a).toBe(seq(svc('twos', [1, 1, 1]), 30, { seed: 5 }));
    expect(new Set(a)).toEqual(new Set(['A', 'B', 'C']));
  });
});

describe('persistence, thresholds, changes during a run', () => {
  it('persistence pins a client (and its /24 with a netmask) until the template expires', () => {
    const s = new IpvsScheduler('rr', svc('rr', [1, 1, 1]).realServers, { persistence: { timeout: 300, netmask: '255.255.255.0' } });
    const c1 = 0xc0a80001;
    const first = s.connect(c1, 1000)!;
    s.release(first, false, s.lastTemplateKey);
    const again = s.connect(c1 + 1, 1001)!;
    expect(again.id).toBe(first.id);
    expect(s.lastFromTemplate).toBe(true);
    s.release(again, false, s.lastTemplateKey);
    expect(s.connect(0xc0a80101, 1)!.id).not.toBe(first.id);
    s.now = 299;
    expect(s.connect(c1, 2)!.id).toBe(first.id);
    s.release(s.dest(first.id)!, false, s.lastTemplateKey);
    s.now = 299 + 301;
    s.connect(c1, 3);
    expect(s.lastFromTemplate).toBe(false);
  });

  it('a quiesced server keeps its persistent clients (expire_quiescent_template=0)', () => {
    const s = new IpvsScheduler('rr', svc('rr', [1, 1]).realServers, { persistence: { timeout: 300 } });
    const d = s.connect(42, 1)!;
    s.drain(d.id);
    expect(s.connect(42, 2)!.id).toBe(d.id);
    expect(s.connect(43, 2)!.id).not.toBe(d.id);
  });

  it('upper threshold sets OVERLOAD, 3/4 of it clears it', () => {
    const s = new IpvsScheduler('rr', [
      { id: realServerId('A'), rip: '10.0.1.1', port: 80, weight: 1, upperThreshold: 4 },
      { id: realServerId('B'), rip: '10.0.1.2', port: 80, weight: 1 },
    ]);
    const a = s.dest(realServerId('A'))!;
    const got: string[] = [];
    for (let i = 0; i < 10; i++) got.push(s.connect(i, 1)!.id);
    expect(a.overloaded).toBe(true);
    expect(got.join('')).toBe('BABABABABB');
    s.release(a, false);
    expect(a.overloaded).toBe(true); // 3 connections: 3*4 < 4*3 is false
    s.release(a, false);
    expect(a.overloaded).toBe(false);
  });

  it('the stepwise API changes weights mid-run; the wrr cursor restarts', () => {
    const s = new IpvsScheduler('wrr', svc('wrr', [1, 1]).realServers);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(s.connect(i, 1)!.id);
    s.setWeight(realServerId('A'), 3);
    for (let i = 0; i < 4; i++) ids.push(s.connect(i, 1)!.id);
    expect(ids.join('')).toBe('BABABAAA');
    s.removeRealServer(realServerId('A'));
    expect(s.connect(9, 9)!.id).toBe('B');
  });
});

describe('least-load heap', () => {
  it('chooses exactly what the kernel scan chooses, through connections, weight changes, thresholds and removals', () => {
    let x = 99;
    const rnd = (n: number): number => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return (x >>> 8) % n;
    };
    for (const name of ['wlc', 'sed', 'lblc', 'lblcr'] as const) {
      for (const size of [3, 40]) {
        const specs = Array.from({ length: size }, (_, i) => ({
          id: realServerId(`s${i}`),
          rip: `10.0.${i >> 8}.${(i & 255) + 1}`,
          port: 80,
          weight: rnd(4),
          upperThreshold: rnd(3) === 0 ? 3 + rnd(5) : 0,
        }));
        const heap = new IpvsScheduler(name, specs);
        const scan = new IpvsScheduler(name, specs, { scan: true });
        const live: [string, boolean][] = [];
        for (let k = 0; k < 3000; k++) {
          const op = rnd(10);
          if (op < 5) {
            const client = rnd(50);
            const dst = rnd(4);
            const a = heap.connect(client, 1, dst, 80);
            const b = scan.connect(client, 1, dst, 80);
            expect(a?.id ?? null).toBe(b?.id ?? null);
            if (a && b) {
              const est = rnd(2) === 0;
              if (est) {
                heap.establish(a);
                scan.establish(b);
              }
              live.push([a.id, est]);
            }
          } else if (op < 8 && live.length > 0) {
            const [id, est] = live.splice(rnd(live.length), 1)[0]!;
            const a = heap.dest(realServerId(id));
            const b = scan.dest(realServerId(id));
            if (a && b) {
              heap.release(a, est);
              scan.release(b, est);
            }
          } else if (op === 8) {
            const id = `s${rnd(size)}`;
            const w = rnd(4);
            if (heap.dest(realServerId(id))) {
              heap.setWeight(realServerId(id), w);
              scan.setWeight(realServerId(id), w);
            }
          } else if (rnd(20) === 0 && heap.dests.length > 1) {
            const id = heap.dests[rnd(heap.dests.length)]!.id;
            heap.removeRealServer(id);
            scan.removeRealServer(id);
          }
        }
      }
    }
  });
});

describe('explain', () => {
  it('shows the wlc metric and the pick without changing state', () => {
    const s = new IpvsScheduler('wlc', svc('wlc', [1, 2]).realServers);
    const d = s.connect(1, 1)!;
    s.establish(d);
    const e = s.explain(2, 2);
    expect(e.candidates.map((c) => [c.id, c.metric])).toEqual([
      ['B', 128],
      ['A', 0],
    ]);
    expect(e.wouldPick).toBe('A');
    expect(e.rule.zh).toMatch(/权重/);
    expect(s.dest(realServerId('A'))!.assigned).toBe(0);
  });
  it('shows the wrr cursor and the hash bucket of sh', () => {
    const w = new IpvsScheduler('wrr', svc('wrr', [1, 2]).realServers);
    // cw is 1 after the adds (clamped from the first server's weight), not mw: see the wrr test above.
    expect(w.explain().state).toEqual({ cursor: null, cw: 1, mw: 2, di: 1 });
    expect(w.explain().wouldPick).toBe('B');
    expect(w.explain().wouldPick).toBe('B');
    expect(w.connect(1, 1)!.id).toBe('B');
    expect(w.explain().wouldPick).toBe('A');
    expect(w.connect(2, 1)!.id).toBe('A');
    expect(w.explain().wouldPick).toBe('B');
    const copy = w.clone();
    copy.setWeight(realServerId('A'), 0);
    expect(w.dest(realServerId('A'))!.weight).toBe(1);
    expect(new IpvsScheduler('twos', svc('twos', [1, 1]).realServers).explain().wouldPick).toBeUndefined();
    const sh = new IpvsScheduler('sh', svc('sh', [1, 1]).realServers);
    const e = sh.explain(0xc0a80001);
    expect(e.bucket).toBe(Number(((0xc0a80001n * 0x61c88647n) & 0xffffffffn) >> 24n));
    expect(e.candidates.map((c) => c.metric)).toEqual([128, 128]);
    expect(e.wouldPick).toBe(sh.connect(0xc0a80001, 5)!.id);
  });
});

describe('simulateConnections', () => {
  it('wlc with uneven connection lengths', () => {
    const r = simulateConnections(topo(svc('wlc', [1, 1])), serviceId('s'), {
      connections: 20,
      ratePerSecond: 1,
      activeSeconds: { min: 1, max: 8 },
      finSeconds: 0,
      recordAssignments: 20,
      seed: 9,
    });
    expect(r.assignments.join('')).toBe('BABABABBABBAAABBABBB');
    expect(r.totals.map((t) => t.connections)).toEqual([8, 12]);
    expect(r.kernelOrder).toEqual(['B', 'A']);
    const end = r.timeline[r.timeline.length - 1]!;
    expect(end.active).toEqual([0, 0]);
    expect(end.inactive).toEqual([0, 0]);
  });

  it('a connection counts as inactive until the handshake completes', () => {
    const r = simulateConnections(topo(svc('rr', [1])), serviceId('s'), { connections: 1, synSeconds: 10, activeSeconds: 10, finSeconds: 10, samples: 31 });
    const at = (t: number) => r.timeline.find((x) => x.t >= t)!;
    expect(at(5)).toMatchObject({ active: [0], inactive: [1] });
    expect(at(15)).toMatchObject({ active: [1], inactive: [0] });
    expect(at(25)).toMatchObject({ active: [0], inactive: [1] });
    expect(r.timeline[r.timeline.length - 1]).toMatchObject({ active: [0], inactive: [0] });
  });

  it('drains a server mid-run', () => {
    const r = simulateConnections(topo(svc('wrr', [1, 1])), serviceId('s'), {
      connections: 10,
      ratePerSecond: 1,
      recordAssignments: 10,
      events: [{ at: 4.5, realServer: realServerId('B'), weight: 0 }],
    });
    expect(r.assignments.join('')).toBe('BABABAAAAA');
  });

  it('weights steer the share of a long run', () => {
    const r = simulateConnections(topo(svc('wlc', [1, 1, 2])), serviceId('s'), { connections: 4000, activeSeconds: { min: 1, max: 60 }, seed: 3 });
    const [a, b, c] = r.totals.map((t) => t.percent);
    expect(c!).toBeGreaterThan(45);
    expect(a!).toBeGreaterThan(20);
    expect(b!).toBeGreaterThan(20);
    expect(r.unscheduled).toBe(0);
    expect(() => simulateConnections(topo(svc('rr', [1])), serviceId('nope'), { connections: 1 })).toThrow(/no virtual service/);
  });
});

describe('SipHash', () => {
  it('matches the published SipHash-2-4 vectors', () => {
    const key = { k0h: 0x07060504, k0l: 0x03020100, k1h: 0x0f0e0d0c, k1l: 0x0b0a0908 };
    const hex = (len: number): string =>
      sipHashBytes(
        Array.from({ length: len }, (_, i) => i),
        key,
        2,
        4,
      )
        .map((x) => x.toString(16).padStart(8, '0'))
        .join('');
    expect(hex(0)).toBe('726fdb47dd0e0e31');
    expect(hex(1)).toBe('74f839c593dc67fd');
    expect(hex(8)).toBe('93f5f5799a932462');
  });
  it('hsiphash of a u32 is SipHash-1-3 truncated (BigInt reference)', () => {
    const M = (1n << 64n) - 1n;
    const rol = (x: bigint, b: bigint): bigint => ((x << b) | (x >> (64n - b))) & M;
    const ref = (v: number, k: bigint): number => {
      let v0 = 0x736f6d6570736575n ^ k;
      let v1 = 0x646f72616e646f6dn ^ k;
      let v2 = 0x6c7967656e657261n ^ k;
      let v3 = 0x7465646279746573n ^ k;
      const round = (): void => {
        v0 = (v0 + v1) & M;
        v1 = rol(v1, 13n);
        v1 ^= v0;
        v0 = rol(v0, 32n);
        v2 = (v2 + v3) & M;
        v3 = rol(v3, 16n);
        v3 ^= v2;
        v0 = (v0 + v3) & M;
        v3 = rol(v3, 21n);
        v3 ^= v0;
        v2 = (v2 + v1) & M;
        v1 = rol(v1, 17n);
        v1 ^= v2;
        v2 = rol(v2, 32n);
      };
      const b = (4n << 56n) | BigInt(v >>> 0);
      v3 ^= b;
      round();
      v0 ^= b;
      v2 ^= 0xffn;
      round();
      round();
      round();
      return Number((v0 ^ v1 ^ v2 ^ v3) & 0xffffffffn);
    };
    const k = sipKey(2654435761, 2654435761);
    for (const v of [0, 1, 80 + 0xc0a86f65, 0xffffffff]) expect(hsiphashU32(v, k)).toBe(ref(v, 2654435761n));
  });
});
