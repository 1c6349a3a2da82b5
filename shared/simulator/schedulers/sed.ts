/** `ip_vs_sed.c` — shortest expected delay: the smallest (ActiveConn + 1) / weight; inactive connections do not count. */
import type { Dest, SchedulerInstance, SchedulerModule, ServiceView } from './core.ts';
import { activePlusOne, leastLoaded } from './core.ts';

/** The sed metric (also nq's): (active + 1) per weight. */
export const delayPerWeight = (d: Dest): number | undefined => (d.weight > 0 ? activePlusOne(d) / d.weight : undefined);

class ShortestExpectedDelay implements SchedulerInstance {
  constructor(private readonly svc: ServiceView) {}
  schedule(): Dest | null {
    return this.svc.heap ? this.svc.heap.top() : leastLoaded(this.svc.list, activePlusOne, true);
  }
  metric(d: Dest): number | undefined {
    return delayPerWeight(d);
  }
  clone(svc: ServiceView): SchedulerInstance {
    return new ShortestExpectedDelay(svc);
  }
}

export const sed: SchedulerModule = {
  name: 'sed',
  rule: {
    en: 'Shortest expected delay: the smallest (ActiveConn + 1) / weight; inactive connections do not count.',
    zh: '最短期望延迟：(ActiveConn + 1) / 权重 最小者；不计非活动连接。',
  },
  heapLoad: activePlusOne,
  init: (svc) => new ShortestExpectedDelay(svc),
};
