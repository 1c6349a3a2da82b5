/** `ip_vs_ovf.c` — weighted overflow: the highest weight among servers whose active connections do not exceed their weight. */
import type { Dest, SchedulerInstance, SchedulerModule, ServiceView } from './core.ts';

class Overflow implements SchedulerInstance {
  constructor(private readonly svc: ServiceView) {}
  schedule(): Dest | null {
    let h: Dest | null = null;
    for (const d of this.svc.list) {
      const w = d.weight;
      if (d.overloaded || d.active > w || w === 0) continue;
      if (!h || w > h.weight) h = d;
    }
    return h;
  }
  eligible(d: Dest): boolean {
    return d.active <= d.weight;
  }
  metric(d: Dest): number {
    return d.weight;
  }
  clone(svc: ServiceView): SchedulerInstance {
    return new Overflow(svc);
  }
}

export const ovf: SchedulerModule = {
  name: 'ovf',
  rule: {
    en: 'Weighted overflow: the highest weight among servers whose active connections do not exceed their weight.',
    zh: '加权溢出：活动连接数未超过权重的服务器中权重最高者。',
  },
  init: (svc) => new Overflow(svc),
};
