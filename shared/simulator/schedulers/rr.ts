/** `ip_vs_rr.c` — round robin: the next server after the cursor with weight > 0, in list order. */
import type { Dest, SchedulerInstance, SchedulerModule, ServiceView } from './core.ts';

class RoundRobin implements SchedulerInstance {
  constructor(
    private readonly svc: ServiceView,
    private cursor: Dest | null = null,
  ) {}

  schedule(): Dest | null {
    const list = this.svc.list;
    const n = list.length;
    if (n === 0) return null;
    // Walk from the element after the cursor to the end, then from the head up to the cursor.
    const start = this.cursor ? this.cursor.position + 1 : 0;
    const passes = this.cursor ? 2 : 1;
    let i = start;
    for (let step = 0; step < (passes === 2 ? n : n - start); step++) {
      if (i >= n) i = 0;
      const d = list[i]!;
      if (!d.overloaded && d.weight > 0) {
        this.cursor = d;
        return d;
      }
      i++;
    }
    return null;
  }

  /** ip_vs_rr_del_dest: a cursor on the removed server steps back to its predecessor. */
  removing(d: Dest, index: number): void {
    if (this.cursor === d) this.cursor = index > 0 ? this.svc.list[index - 1]! : null;
  }

  state(): Record<string, string | null> {
    return { cursor: this.cursor?.id ?? null };
  }

  clone(svc: ServiceView, cp: (d: Dest) => Dest): SchedulerInstance {
    return new RoundRobin(svc, this.cursor ? cp(this.cursor) : null);
  }
}

export const rr: SchedulerModule = {
  name: 'rr',
  rule: {
    en: 'Round robin: the next server after the cursor with weight > 0, in kernel list order.',
    zh: '轮询：按内核链表顺序，从游标之后取下一个权重大于 0 的服务器。',
  },
  init: (svc) => new RoundRobin(svc),
};
