import type { Finding, Rule } from '../../rule.ts';
import { serviceLabel } from '../../describe.ts';
import { SCHEDULERS } from '../../../model/types.ts';

/** The scheduler must be one IPVS knows. */
export const unknownScheduler: Rule = {
  id: 'service/unknown-scheduler',
  severity: 'error',
  title: 'Unknown scheduler',
  titleZh: '未知的调度算法',
  description: `IPVS loads the scheduler module \`ip_vs_<name>\` when the service is created; an unknown name fails with "Scheduler not found". Known schedulers: ${SCHEDULERS.join(', ')}.`,
  example: { bad: 'Service web uses the scheduler `roundrobin`.', fix: 'Use `rr`.' },
  check(ctx) {
    const out: Finding[] = [];
    const known = new Set<string>(SCHEDULERS);
    for (const s of ctx.services) {
      const name = s.service.scheduler;
      if (known.has(name)) continue;
      const lower = name.toLowerCase();
      const guess = known.has(lower)
        ? lower
        : (
            {
              roundrobin: 'rr',
              'round-robin': 'rr',
              leastconn: 'lc',
              'least-connection': 'lc',
              source: 'sh',
              hash: 'sh',
              maglev: 'mh',
              weighted: 'wrr',
            } as Record<string, string>
          )[lower];
      out.push({
        message: `Service ${serviceLabel(s)} uses the scheduler "${name}", which IPVS does not have; creating the service fails.`,
        zh: {
          message: `服务 ${serviceLabel(s)} 使用调度算法 "${name}"，IPVS 没有这个算法；创建服务会失败。`,
          fix: guess ? `使用 "${guess}"。` : `从 ${SCHEDULERS.join('、')} 中选择一个（默认是 wlc）。`,
        },
        fix: guess ? `Use "${guess}".` : `Choose one of ${SCHEDULERS.join(', ')} (wlc is the default).`,
        refs: [s.service.id],
      });
    }
    return out;
  },
};
