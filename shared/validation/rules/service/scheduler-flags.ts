import type { Finding, Rule } from '../../rule.ts';
import { serviceLabel, serviceName } from '../../describe.ts';

/** Scheduler flags only mean something to their scheduler. */
export const schedulerFlags: Rule = {
  id: 'service/scheduler-flags',
  severity: 'warning',
  title: 'Scheduler flag for another scheduler',
  titleZh: '调度算法标志属于别的调度算法',
  description:
    'The `-b` flags `sh-fallback`/`sh-port` are read only by the sh scheduler and `mh-fallback`/`mh-port` only by mh. With any other scheduler they are silently ignored, so the behaviour the designer expected (e.g. fallback when a server is down) does not happen.',
  example: { bad: 'Service web uses `wrr` with the flag `sh-fallback`.', fix: 'Remove the flag, or switch the scheduler to `sh`.' },
  check(ctx) {
    const out: Finding[] = [];
    for (const s of ctx.services) {
      const flags = s.service.schedulerFlags ?? [];
      const foreign = flags.filter((f) => !f.startsWith(`${s.service.scheduler}-`));
      if (foreign.length === 0) continue;
      out.push({
        message: `Service ${serviceLabel(s)} uses the ${s.service.scheduler} scheduler with the flag${foreign.length > 1 ? 's' : ''} ${foreign.join(', ')}, which only the ${foreign[0]!.split('-')[0]} scheduler reads; IPVS ignores ${foreign.length > 1 ? 'them' : 'it'}.`,
        zh: {
          message: `服务 ${serviceLabel(s)} 使用 ${s.service.scheduler} 调度算法，却带有标志 ${foreign.join('、')}，只有 ${foreign[0]!.split('-')[0]} 调度算法读取它；IPVS 会忽略。`,
          fix: `从 ${serviceName(s)} 中删除 ${foreign.join('、')}，或者把它的调度算法改为 ${foreign[0]!.split('-')[0]}。`,
        },
        fix: `Remove ${foreign.join(', ')} from ${serviceName(s)}, or switch its scheduler to ${foreign[0]!.split('-')[0]}.`,
        refs: [s.service.id],
      });
    }
    return out;
  },
};
