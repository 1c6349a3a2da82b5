import type { Finding, Rule } from '../../rule.ts';
import { serviceLabel, serviceName } from '../../describe.ts';

/** Scheduler flags only mean something to their scheduler. */
export const schedulerFlags: Rule = {
  id: 'service/scheduler-flags',
  severity: 'warning',
  title: 'Scheduler flag for another scheduler',
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
        fix: `Remove ${foreign.join(', ')} from ${serviceName(s)}, or switch its scheduler to ${foreign[0]!.split('-')[0]}.`,
        refs: [s.service.id],
      });
    }
    return out;
  },
};
