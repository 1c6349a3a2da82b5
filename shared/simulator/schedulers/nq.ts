/** `ip_vs_nq.c` — never queue: the first idle server (no active connection), otherwise like sed. */
import type { Dest, SchedulerInstance, SchedulerModule, ServiceView } from './core.ts';
import { activePlusOne, leastLoaded } from './core.ts';
import { delayPerWeight } from './sed.ts';

class NeverQueue implements SchedulerInstance {
  constructor(private readonly svc: ServiceView) {}
  schedule(): Dest | null {
    return leastLoaded(this.svc.list, activePlusOne, true, true);
  }
  metric(d: Dest): number | undefined {
    return delayPerWeight(d);
  }
  clone(svc: ServiceView): SchedulerInstance {
    return new NeverQueue(svc);
  }
}

export const nq: SchedulerModule = {
  name: 'nq',
  rule: {
    en: 'Never queue: the first idle server (no active connection), otherwise like sed.',
    zh: '永不排队：优先第一个空闲（无活动连接）的服务器，否则同 sed。',
  },
  init: (svc) => new NeverQueue(svc),
};
