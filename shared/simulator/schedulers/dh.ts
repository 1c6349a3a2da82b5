/**
 * `ip_vs_dh.c` — destination hashing: `hash_32(ntohl(daddr), 8)` picks one of 256 buckets, dealt out
 * round robin over the list. (Kernels before the hash_32 change used `(daddr · 2654435761) & 255`,
 * the low bits; Debian 12's 6.1 hashes as here — tests/lab/real-kernel.test.ts checks five VIPs.)
 */
import type { Dest, SchedulerInstance, SchedulerModule, ServiceView } from './core.ts';
import { hash32x8 } from './core.ts';
import { HASH_TAB_SIZE, bucketsOwned } from './sh.ts';

class DestinationHashing implements SchedulerInstance {
  buckets: (Dest | null)[] = [];
  constructor(private readonly svc: ServiceView) {}

  /** ip_vs_dh_reassign. */
  update(): void {
    const b: (Dest | null)[] = new Array<Dest | null>(HASH_TAB_SIZE).fill(null);
    const list = this.svc.list;
    const n = list.length;
    for (let i = 0; n > 0 && i < HASH_TAB_SIZE; i++) b[i] = list[i % n]!;
    this.buckets = b;
  }

  bucket(_caddr: number, _cport: number, daddr: number): number {
    return hash32x8(daddr);
  }

  schedule(_caddr: number, _cport: number, daddr: number): Dest | null {
    const d = this.buckets[hash32x8(daddr)] ?? null;
    if (!d || !d.available || d.weight <= 0 || d.overloaded) return null;
    return d;
  }

  metric(d: Dest): number {
    return bucketsOwned(this.buckets, d);
  }

  table(): readonly (Dest | null)[] {
    return this.buckets;
  }

  clone(svc: ServiceView, cp: (d: Dest) => Dest): SchedulerInstance {
    const c = new DestinationHashing(svc);
    c.buckets = this.buckets.map((d) => (d ? cp(d) : null));
    return c;
  }
}

export const dh: SchedulerModule = {
  name: 'dh',
  rule: {
    en: 'Destination hashing: the destination address picks one of 256 buckets, dealt out round robin.',
    zh: '目的地址哈希：目的地址选中 256 个桶之一，桶按轮询分配。',
  },
  init: (svc) => {
    const s = new DestinationHashing(svc);
    s.update();
    return s;
  },
};
