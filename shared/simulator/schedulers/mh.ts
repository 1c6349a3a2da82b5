/**
 * `ip_vs_mh.c` — Maglev hashing: each server fills a prime-sized lookup table by its own permutation
 * (offset and skip from SipHash-1-3 of its address and port, turns by weight/gcd); the client address
 * (and port with `mh-port`) picks a slot; `mh-fallback` walks on when that server is unusable.
 */
import type { Dest, SchedulerInstance, SchedulerModule, ServiceView } from './core.ts';
import { fls, gcd, unavailable } from './core.ts';
import { bucketsOwned } from './sh.ts';
import type { SipKey } from '../siphash.ts';
import { hsiphashU32, sipKey } from '../siphash.ts';

/** Maglev table sizes by `CONFIG_IP_VS_MH_TAB_INDEX − 8`. */
export const MH_PRIMES: readonly number[] = [251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071];

/** generate_hash_secret(): fixed keys, so every director builds the same table. */
const MH_KEY1: SipKey = sipKey(2654435761, 2654435761);
const MH_KEY2: SipKey = sipKey(2654446892, 2654446892);

/** ip_vs_mh_hashkey(): hsiphash(offset + port + addr). */
const mhKey = (addr: number, port: number, key: SipKey, offset: number): number => hsiphashU32((offset + port + addr) >>> 0, key);

class Maglev implements SchedulerInstance {
  slots: (Dest | null)[] = [];
  readonly size: number;
  readonly bits: number;
  constructor(private readonly svc: ServiceView) {
    const index = Math.min(17, Math.max(8, svc.options.mhTableIndex ?? 12));
    this.size = MH_PRIMES[index - 8]!;
    this.bits = Math.floor(index / 2);
  }

  /** ip_vs_mh_reassign: ip_vs_mh_permutate + ip_vs_mh_populate. */
  update(): void {
    const M = this.size;
    const table: (Dest | null)[] = new Array<Dest | null>(M).fill(null);
    this.slots = table;
    const list = this.svc.list;
    // The kernel refuses the change (-EINVAL); here the table stays empty and nothing is scheduled.
    const problem = list.length > M ? `mh: ${list.length} real servers do not fit a ${M}-slot table` : null;
    this.svc.setProblem(problem);
    if (problem) return;
    let g = 0;
    let maxw = 0;
    for (const d of list) {
      if (d.lastWeight > 0) g = g > 0 ? gcd(d.lastWeight, g) : d.lastWeight;
      if (d.lastWeight > maxw) maxw = d.lastWeight;
    }
    if (g < 1) return;
    const shift = fls(Math.floor(maxw / g)) - this.bits;
    const rshift = shift >= 0 ? shift : 0;
    const n = list.length;
    const offset = new Array<number>(n);
    const skip = new Array<number>(n);
    const perm = new Array<number>(n);
    const turns = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const d = list[i]!;
      offset[i] = mhKey(d.addr, d.port, MH_KEY1, 0) % M;
      skip[i] = (mhKey(d.addr, d.port, MH_KEY2, 0) % (M - 1)) + 1;
      perm[i] = offset[i]!;
      const t = Math.floor(d.lastWeight / g) >> rshift;
      turns[i] = t !== 0 ? t : d.lastWeight !== 0 ? 1 : 0;
    }
    const taken = new Uint8Array(M);
    let filled = 0;
    let dt = 0;
    for (;;) {
      for (let i = 0; i < n;) {
        if (turns[i]! < 1) {
          i++;
          continue;
        }
        let c = perm[i]!;
        while (taken[c]) {
          c += skip[i]!;
          if (c >= M) c -= M;
          perm[i] = c;
        }
        taken[c] = 1;
        table[c] = list[i]!;
        if (++filled === M) return;
        if (++dt >= turns[i]!) {
          dt = 0;
          i++;
        }
      }
    }
  }

  bucket(caddr: number, cport: number): number {
    return mhKey(caddr, this.svc.flags.has('mh-port') ? cport : 0, MH_KEY1, 0) % this.size;
  }

  schedule(caddr: number, cport: number): Dest | null {
    const M = this.size;
    const port = this.svc.flags.has('mh-port') ? cport : 0;
    const ihash = mhKey(caddr, port, MH_KEY1, 0) % M;
    const d = this.slots[ihash] ?? null;
    if (!this.svc.flags.has('mh-fallback')) return !d || unavailable(d) ? null : d;
    if (!d) return null;
    if (!unavailable(d)) return d;
    for (let offset = 0; offset < M; offset++) {
      const roffset = (offset + ihash) % M;
      const x = this.slots[mhKey(caddr, port, MH_KEY1, roffset) % M] ?? null;
      if (!x) break;
      if (!unavailable(x)) return x;
    }
    return null;
  }

  metric(d: Dest): number {
    return bucketsOwned(this.slots, d);
  }

  table(): readonly (Dest | null)[] {
    return this.slots;
  }

  clone(svc: ServiceView, cp: (d: Dest) => Dest): SchedulerInstance {
    const c = new Maglev(svc);
    c.slots = this.slots.map((d) => (d ? cp(d) : null));
    return c;
  }
}

export const mh: SchedulerModule = {
  name: 'mh',
  rule: {
    en: 'Maglev hashing: the client address picks a slot of a 4093-slot table that every server fills by its own permutation.',
    zh: 'Maglev 哈希：客户端地址选中 4093 槽表中的一个槽，各服务器按自己的排列填表。',
  },
  init: (svc) => {
    const s = new Maglev(svc);
    s.update();
    return s;
  },
};
