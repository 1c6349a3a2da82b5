/** `ip_vs_fo.c` — weighted failover: the available server with the highest weight (the first on a tie). */
import type { Dest, SchedulerInstance, SchedulerModule, ServiceView } from './core.ts';

class Failover implements SchedulerInstance {
  constructor(private readonly svc: ServiceView) {}
  schedule(): Dest | null {
    let best: Dest | null = null;
    let hw = 0;
    for (const d of this.svc.list) {
      if (!d.overloaded && d.weight > hw) {
        best = d;
        hw = d.weight;
      }
    }
    return best;
  }
  metric(d: Dest): number {
    return d.weight;
  }
  clone(svc: ServiceView): SchedulerInstance {
    return new Failover(svc);
  }
}

export const fo: SchedulerModule = {
  name: 'fo',
  rule: { en: 'Weighted failover: the available server with the highest weight.', zh: '加权故障转移：可用服务器中权重最高者。' },
  init: (svc) => new Failover(svc),
};
