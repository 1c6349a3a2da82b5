/** `ip_vs_twos.c` (kernel 6.6+) — power of two choices: two random servers by weight, the less loaded one wins. */
import type { Dest, SchedulerInstance, SchedulerModule, ServiceView } from './core.ts';
import { overhead } from './core.ts';
import { overheadPerWeight } from './wlc.ts';

class TwoChoices implements SchedulerInstance {
  constructor(private readonly svc: ServiceView) {}
  schedule(): Dest | null {
    const list = this.svc.list;
    let total = 0;
    let any: Dest | null = null;
    for (const d of list) {
      if (!d.overloaded && d.weight > 0) {
        total += d.weight;
        any = d;
      }
    }
    if (!any) return null;
    total += 1;
    let r1 = this.svc.rng.nextU32() % total;
    let r2 = this.svc.rng.nextU32() % total;
    let c1: Dest | null = null;
    let c2: Dest | null = null;
    for (const d of list) {
      if (!d.overloaded && d.weight > 0) {
        r1 -= d.weight;
        r2 -= d.weight;
        if (r1 <= 0 && !c1) c1 = d;
        if (r2 <= 0 && !c2) c2 = d;
      }
      if (c1 && c2) break;
    }
    if (!c1) c1 = any;
    if (c2 && c2.weight * overhead(c1) > c1.weight * overhead(c2)) return c2;
    return c1;
  }
  metric(d: Dest): number | undefined {
    return overheadPerWeight(d);
  }
  clone(svc: ServiceView): SchedulerInstance {
    return new TwoChoices(svc);
  }
}

export const twos: SchedulerModule = {
  name: 'twos',
  rule: { en: 'Power of two choices: two random servers by weight, the less loaded one wins.', zh: '二选一：按权重随机选两台，负载较小者胜出。' },
  init: (svc) => new TwoChoices(svc),
};
