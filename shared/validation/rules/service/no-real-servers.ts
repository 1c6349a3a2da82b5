import type { Finding, Rule } from '../../rule.ts';
import { serviceLabel, serviceName } from '../../describe.ts';

/** A service needs at least one real server. */
export const noRealServers: Rule = {
  id: 'service/no-real-servers',
  severity: 'error',
  title: 'Service without real servers',
  description:
    'With no real server, IPVS has nobody to schedule: every new connection to the service is refused (the director answers with ICMP "port unreachable").',
  example: { bad: 'Service web has no real servers yet.', fix: 'Add rs1 and rs2 as real servers of web.' },
  check(ctx) {
    const out: Finding[] = [];
    for (const s of ctx.services) {
      if (s.realServers.length > 0) continue;
      out.push({
        message: `Service ${serviceLabel(s)} has no real servers, so every connection to it is refused.`,
        fix: `Add at least one real server to ${serviceName(s)}.`,
        refs: [s.service.id],
      });
    }
    return out;
  },
};
