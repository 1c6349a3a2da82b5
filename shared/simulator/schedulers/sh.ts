/**
 * `ip_vs_sh.c` — source hashing: `hash_32(ntohs(port) + ntohl(saddr), 8)` picks one of 256 buckets;
 * each server owns `weight` consecutive buckets (at least one), dealt out in list order. The port
 * counts only with `sh-port`; `sh-fallback` tries the following buckets when the server is unusable.
 */
import type { Dest, SchedulerInstance, SchedulerModule, ServiceView } from './core.ts';
import { hash32x8, unavailable } from './core.ts';

/** `IP_VS_SH_TAB_SIZE` (and dh's): 2^8 buckets. */
export const HASH_TAB_SIZE = 256;

/** The number of buckets (or slots) `d` owns in `table`. */
export const bucketsOwned = (table: readonly (Dest | null)[], d: Dest): number => table.filter((x) => x === d).length;

class SourceHashing implements SchedulerInstance {
  buckets: (Dest | null)[] = [];
  constructor(private readonly svc: ServiceView) {}

  /** ip_vs_sh_reassign. */
  update(): void {
    const b: (Dest | null)[] = new Array<Dest | null>(HASH_TAB_SIZE).fill(null);
    const list = this.svc.list;
    const n = list.length;
    if (n > 0) {
      let p = 0;
      let count = 0;
      for (let i = 0; i < HASH_TAB_SIZE; i++) {
        const d = list[p]!;
        b[i] = d;
        if (++count >= d.weight) {
          p = (p + 1) % n;
          count = 0;
        }
      }
    }
    this.buckets = b;
  }

  private key(addr: number, port: number, offset: number): number {
    return (offset + hash32x8((port + addr) >>> 0)) & (HASH_TAB_SIZE - 1);
  }

  bucket(caddr: number, cport: number): number {
    return this.key(caddr, this.svc.flags.has('sh-port') ? cport : 0, 0);
  }

  schedule(caddr: number, cport: number): Dest | null {
    const port = this.svc.flags.has('sh-port') ? cport : 0;
    const ihash = this.key(caddr, port, 0);
    const d = this.buckets[ihash] ?? null;
    if (!this.svc.flags.has('sh-fallback')) return !d || unavailable(d) ? null : d;
    if (!d) return null;
    if (!unavailable(d)) return d;
    for (let offset = 0; offset < HASH_TAB_SIZE; offset++) {
      const roffset = (offset + ihash) % HASH_TAB_SIZE;
      const x = this.buckets[this.key(caddr, port, roffset)] ?? null;
      if (x && !unavailable(x)) return x;
    }
    return null;
  }

  metric(d: Dest): number {
    return bucketsOwned(this.buckets, d);
  }

  table(): readonly (Dest | null)[] {
    return this.buckets;
  }

  clone(svc: ServiceView, cp: (d: Dest) => Dest): SchedulerInstance {
    const c = new SourceHashing(svc);
    c.buckets = this.buckets.map((d) => (d ? cp(d) : null));
    return c;
  }
}

export const sh: SchedulerModule = {
  name: 'sh',
  rule: {
    en: 'Source hashing: the client address picks one of 256 buckets; each server owns weight consecutive buckets.',
    zh: '源地址哈希：客户端地址选中 256 个桶之一；每台服务器按权重占连续的桶。',
  },
  init: (svc) => {
    const s = new SourceHashing(svc);
    s.update();
    return s;
  },
};
