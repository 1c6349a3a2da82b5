/**
 * `ip_vs_wlc.c` — weighted least connections: the smallest (ActiveConn×256 + InActConn) / weight, by
 * cross-multiplication; the first in list order wins a tie. The service's least-load heap holds
 * exactly that order (the kernel's scan when `scan` is set).
 */
import type { Dest, SchedulerInstance, SchedulerModule, ServiceView } from './core.ts';
import { leastLoaded, overhead } from './core.ts';

/** The wlc choice for `svc` (also lblc/lblcr's fallback). */
export function weightedLeastConnection(svc: ServiceView): Dest | null {
  return svc.heap ? svc.heap.top() : leastLoaded(svc.list, overhead, true);
}

/** The wlc metric: overhead per weight (undefined for a quiesced server). */
export const overheadPerWeight = (d: Dest): number | undefined => (d.weight > 0 ? overhead(d) / d.weight : undefined);

class WeightedLeastConnection implements SchedulerInstance {
  constructor(private readonly svc: ServiceView) {}
  schedule(): Dest | null {
    return weightedLeastConnection(this.svc);
  }
  metric(d: Dest): number | undefined {
    return overheadPerWeight(d);
  }
  clone(svc: ServiceView): SchedulerInstance {
    return new WeightedLeastConnection(svc);
  }
}

export const wlc: SchedulerModule = {
  name: 'wlc',
  rule: {
    en: 'Weighted least connections: the smallest (ActiveConn×256 + InActConn) / weight; the first in list order wins a tie.',
    zh: '加权最少连接：(ActiveConn×256 + InActConn) / 权重 最小者；相同时链表中靠前者胜出。',
  },
  heapLoad: overhead,
  init: (svc) => new WeightedLeastConnection(svc),
};
