/** `ip_vs_lc.c` — least connections: the smallest ActiveConn×256 + InActConn; the first in list order wins a tie. */
import type { Dest, SchedulerInstance, SchedulerModule, ServiceView } from './core.ts';
import { leastLoaded, overhead } from './core.ts';

class LeastConnection implements SchedulerInstance {
  constructor(private readonly svc: ServiceView) {}
  schedule(): Dest | null {
    return leastLoaded(this.svc.list, overhead, false);
  }
  metric(d: Dest): number {
    return overhead(d);
  }
  clone(svc: ServiceView): SchedulerInstance {
    return new LeastConnection(svc);
  }
}

export const lc: SchedulerModule = {
  name: 'lc',
  rule: {
    en: 'Least connections: the smallest ActiveConn×256 + InActConn; the first in list order wins a tie.',
    zh: '最少连接：ActiveConn×256 + InActConn 最小者；相同时链表中靠前者胜出。',
  },
  init: (svc) => new LeastConnection(svc),
};
