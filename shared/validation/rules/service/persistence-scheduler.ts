import type { Finding, Rule } from '../../rule.ts';
import { serviceLabel, serviceName } from '../../describe.ts';

const HASHING: Readonly<Record<string, string>> = {
  sh: 'source hashing already sends each client address to the same real server',
  dh: 'destination hashing already sends each destination to the same real server',
  mh: 'Maglev hashing already sends each client address to the same real server',
};

/** Persistence on top of a hashing scheduler is redundant. */
export const persistenceScheduler: Rule = {
  id: 'service/persistence-scheduler',
  severity: 'warning',
  title: 'Persistence combined with a hashing scheduler',
  description:
    'Persistence (`-p`) makes IPVS keep a template per client so later connections go to the same real server. The hashing schedulers sh, mh and dh already map a client (or destination) ' +
    'to a fixed real server, so persistence only adds connection templates (memory and timers) without changing where clients go.',
  example: { bad: 'Service web uses `sh` with persistence 300 s.', fix: 'Remove persistence, or switch to `wlc` with persistence.' },
  check(ctx) {
    const out: Finding[] = [];
    for (const s of ctx.services) {
      const why = HASHING[s.service.scheduler];
      if (!why || !s.service.persistence) continue;
      out.push({
        message: `Service ${serviceLabel(s)} uses persistence with the ${s.service.scheduler} scheduler: ${why}, so persistence is redundant.`,
        fix: `Remove persistence from ${serviceName(s)}, or keep persistence and use a load-aware scheduler such as wlc.`,
        refs: [s.service.id],
      });
    }
    return out;
  },
};
