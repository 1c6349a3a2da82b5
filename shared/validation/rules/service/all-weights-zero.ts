import type { Finding, Rule } from '../../rule.ts';
import { serviceLabel, serviceName } from '../../describe.ts';

/** At least one real server needs a weight above 0. */
export const allWeightsZero: Rule = {
  id: 'service/all-weights-zero',
  severity: 'error',
  title: 'Every real server has weight 0',
  description:
    'Weight 0 "quiesces" a real server: existing connections continue but no scheduler picks it for new ones. When all weights are 0, no new connection can be scheduled and clients get refused.',
  example: { bad: 'rs1 and rs2 of web both have weight 0 (left over from a maintenance).', fix: 'Set the weights back to 1.' },
  check(ctx) {
    const out: Finding[] = [];
    for (const s of ctx.services) {
      if (s.realServers.length === 0 || s.realServers.some((r) => r.rs.weight > 0)) continue;
      out.push({
        message: `Every real server of ${serviceLabel(s)} has weight 0 (quiesced), so no new connection can be scheduled.`,
        fix: `Give at least one real server of ${serviceName(s)} a weight of 1 or more.`,
        refs: [s.service.id, ...s.realServers.map((r) => r.rs.id)],
      });
    }
    return out;
  },
};
