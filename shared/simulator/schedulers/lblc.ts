/**
 * `ip_vs_lblc.c` — locality-based least connections: a destination address stays on its server
 * unless that server is quiesced or overloaded; then wlc picks, and the cache entry moves. Entries
 * unused for `lblc_expiration` (24 h) are dropped. (The kernel hashes the address with
 * `hash_32(ntohl(daddr), 10)` only to find the entry; the choice does not depend on it.)
 */
import type { Dest, SchedulerInstance, SchedulerModule, ServiceView } from './core.ts';
import { overhead } from './core.ts';
import { overheadPerWeight, weightedLeastConnection } from './wlc.ts';

/** lblc/lblcr `is_overloaded()`: more active connections than weight while another server is under half. */
export function lblcOverloaded(list: readonly Dest[], d: Dest): boolean {
  if (d.active > d.weight) {
    for (const x of list) if (x.active * 2 < x.weight) return true;
  }
  return false;
}

class LocalityLeastConnection implements SchedulerInstance {
  cache = new Map<number, { dest: Dest; lastuse: number }>();
  private readonly expiration: number;
  constructor(private readonly svc: ServiceView) {
    this.expiration = svc.options.lblcExpiration ?? 24 * 3600;
  }

  schedule(_caddr: number, _cport: number, daddr: number): Dest | null {
    const now = this.svc.now;
    let en = this.cache.get(daddr);
    if (en && now - en.lastuse > this.expiration) {
      this.cache.delete(daddr);
      en = undefined;
    }
    if (en) {
      en.lastuse = now;
      const d = en.dest;
      if (d.available && d.weight > 0 && !lblcOverloaded(this.svc.list, d)) return d;
    }
    const d = weightedLeastConnection(this.svc);
    if (!d) return null;
    if (en) en.dest = d;
    else this.cache.set(daddr, { dest: d, lastuse: now });
    return d;
  }

  metric(d: Dest): number | undefined {
    return overheadPerWeight(d);
  }

  clone(svc: ServiceView, cp: (d: Dest) => Dest): SchedulerInstance {
    const c = new LocalityLeastConnection(svc);
    c.cache = new Map([...this.cache].map(([k, e]) => [k, { dest: cp(e.dest), lastuse: e.lastuse }]));
    return c;
  }
}

export const lblc: SchedulerModule = {
  name: 'lblc',
  rule: {
    en: 'Locality-based least connections: a destination stays on its server unless that server is overloaded; then wlc.',
    zh: '基于局部性的最少连接：同一目的地址固定到同一服务器，除非它过载，否则按 wlc。',
  },
  heapLoad: overhead,
  init: (svc) => new LocalityLeastConnection(svc),
};
