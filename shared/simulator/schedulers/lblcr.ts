/**
 * `ip_vs_lblcr.c` — lblc with replication: each destination address has a set of servers; the least
 * loaded member serves it, wlc adds a member when that one is overloaded, and a set unchanged for
 * `lblcr_expiration` sheds its most loaded member.
 */
import type { Dest, SchedulerInstance, SchedulerModule, ServiceView } from './core.ts';
import { overhead } from './core.ts';
import { lblcOverloaded } from './lblc.ts';
import { overheadPerWeight, weightedLeastConnection } from './wlc.ts';

/** ip_vs_dest_set_min: the least loaded usable member (first on a tie). */
function setMin(set: readonly Dest[]): Dest | null {
  let i = 0;
  let least: Dest | null = null;
  for (; i < set.length; i++) {
    const d = set[i]!;
    if (d.overloaded) continue;
    if (d.weight > 0 && d.available) {
      least = d;
      break;
    }
  }
  if (!least) return null;
  let loh = overhead(least);
  for (i++; i < set.length; i++) {
    const d = set[i]!;
    if (d.overloaded) continue;
    const doh = overhead(d);
    if (loh * d.weight > doh * least.weight && d.available) {
      least = d;
      loh = doh;
    }
  }
  return least;
}

/** ip_vs_dest_set_max: the most loaded member with weight > 0. */
function setMax(set: readonly Dest[]): Dest | null {
  let i = 0;
  let most: Dest | null = null;
  for (; i < set.length; i++) {
    if (set[i]!.weight > 0) {
      most = set[i]!;
      break;
    }
  }
  if (!most) return null;
  let moh = overhead(most);
  for (i++; i < set.length; i++) {
    const d = set[i]!;
    const doh = overhead(d);
    if (moh * d.weight < doh * most.weight && d.weight > 0) {
      most = d;
      moh = doh;
    }
  }
  return most;
}

class LocalityReplication implements SchedulerInstance {
  cache = new Map<number, { set: Dest[]; lastmod: number; lastuse: number }>();
  private readonly expiration: number;
  constructor(private readonly svc: ServiceView) {
    this.expiration = svc.options.lblcrExpiration ?? 24 * 3600;
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
      let d = setMin(en.set);
      if (en.set.length > 1 && now - en.lastmod > this.expiration) {
        const m = setMax(en.set);
        if (m) {
          en.set.splice(en.set.indexOf(m), 1);
          en.lastmod = now;
        }
      }
      if (d && !lblcOverloaded(this.svc.list, d)) return d;
      d = weightedLeastConnection(this.svc);
      if (!d) return null;
      if (!en.set.includes(d)) {
        en.set.unshift(d);
        en.lastmod = now;
      }
      return d;
    }
    const d = weightedLeastConnection(this.svc);
    if (!d) return null;
    this.cache.set(daddr, { set: [d], lastmod: now, lastuse: now });
    return d;
  }

  metric(d: Dest): number | undefined {
    return overheadPerWeight(d);
  }

  serverSet(daddr: number): readonly Dest[] {
    return this.cache.get(daddr)?.set ?? [];
  }

  clone(svc: ServiceView, cp: (d: Dest) => Dest): SchedulerInstance {
    const c = new LocalityReplication(svc);
    c.cache = new Map([...this.cache].map(([k, e]) => [k, { set: e.set.map(cp), lastmod: e.lastmod, lastuse: e.lastuse }]));
    return c;
  }
}

export const lblcr: SchedulerModule = {
  name: 'lblcr',
  rule: {
    en: 'lblc with replication: each destination has a set of servers; the least loaded member is used, the set grows when all are overloaded.',
    zh: '带复制的 lblc：每个目的地址对应一组服务器，用其中负载最小者，都过载时扩充该组。',
  },
  heapLoad: overhead,
  init: (svc) => new LocalityReplication(svc),
};
