/**
 * `ip_vs_wrr.c` — weighted round robin: walk the list taking servers with weight ≥ cw; at the end of
 * the list lower cw by the gcd of the weights, back to the maximum after 1.
 */
import type { Dest, SchedulerInstance, SchedulerModule, ServiceView } from './core.ts';
import { gcd } from './core.ts';

class WeightedRoundRobin implements SchedulerInstance {
  cl: Dest | null = null;
  di = 1;
  mw = 0;
  cw = 0;
  constructor(private readonly svc: ServiceView) {}

  /** ip_vs_wrr_init_svc (`init`) and ip_vs_wrr_dest_changed: cw survives a change, clamped, not reset. */
  reset(init: boolean): void {
    let g = 0;
    let max = 0;
    for (const d of this.svc.list) {
      if (d.weight > max) max = d.weight;
      if (d.weight > 0) g = g > 0 ? gcd(d.weight, g) : d.weight;
    }
    this.cl = null;
    this.di = g > 0 ? g : 1;
    this.mw = max - (this.di - 1);
    if (init) this.cw = this.mw;
    else if (this.cw > this.mw || this.cw === 0) this.cw = this.mw;
    else if (this.di > 1) this.cw = Math.floor(this.cw / this.di) * this.di + 1;
  }

  update(): void {
    this.reset(false);
  }

  schedule(): Dest | null {
    if (this.mw <= 0) return null;
    const list = this.svc.list;
    const n = list.length;
    const last = this.cl;
    let pos = last ? last.position : -1;
    let stop: Dest | null = null;
    let lastPass = false;
    let restarted = false;
    for (;;) {
      for (let i = pos + 1; i < n; i++) {
        const d = list[i]!;
        if (!d.overloaded && d.weight >= this.cw) {
          this.cl = d;
          return d;
        }
        if (d === stop) {
          this.cl = d;
          return null;
        }
      }
      pos = -1;
      this.cw -= this.di;
      if (this.cw <= 0) {
        this.cw = this.mw;
        // Stop after a full pass for weight >= 1 from the head, or after the last pass.
        if (lastPass || last === null) {
          this.cl = null;
          return null;
        }
        restarted = true;
      }
      lastPass = this.cw <= this.di;
      // The first traversal checked w >= 1 only after `last`; now check the ones up to it too.
      if (lastPass && restarted && last !== null) stop = last;
    }
  }

  state(): Record<string, number | string | null> {
    return { cursor: this.cl?.id ?? null, cw: this.cw, mw: this.mw, di: this.di };
  }

  clone(svc: ServiceView, cp: (d: Dest) => Dest): SchedulerInstance {
    const c = new WeightedRoundRobin(svc);
    c.cl = this.cl ? cp(this.cl) : null;
    c.di = this.di;
    c.mw = this.mw;
    c.cw = this.cw;
    return c;
  }
}

export const wrr: SchedulerModule = {
  name: 'wrr',
  rule: {
    en: 'Weighted round robin: walk the list taking servers with weight ≥ cw; at the end lower cw by the gcd of the weights, back to the maximum after 1.',
    zh: '加权轮询：遍历链表，选权重 ≥ cw 的服务器；到表尾把 cw 减去各权重的最大公约数，减到 1 以下再回到最大值。',
  },
  init: (svc) => {
    const s = new WeightedRoundRobin(svc);
    s.reset(true);
    return s;
  },
};
