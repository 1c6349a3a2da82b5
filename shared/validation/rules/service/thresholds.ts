import type { Finding, Rule } from '../../rule.ts';
import { serviceLabel } from '../../describe.ts';

/** Connection thresholds must make sense. */
export const thresholds: Rule = {
  id: 'service/thresholds',
  severity: 'error',
  title: 'Lower threshold above the upper threshold',
  description:
    'IPVS marks a real server overloaded when its active + inactive connections reach the upper threshold (`-x`) and takes it back when they fall below the lower one (`-y`). ' +
    'A lower threshold above the upper one means the server is taken back immediately and flaps (error); an equal one gives no hysteresis, and a lower threshold without an upper one does nothing (warnings).',
  example: { bad: 'rs1 has upper threshold 100 and lower threshold 200.', fix: 'Set the lower threshold below 100 (e.g. 75), or leave it empty for 3/4 of the upper.' },
  check(ctx) {
    const out: Finding[] = [];
    for (const s of ctx.services) {
      for (const r of s.realServers) {
        const upper = r.rs.upperThreshold ?? 0;
        const lower = r.rs.lowerThreshold ?? 0;
        if (lower === 0) continue;
        const name = r.host?.host.name ?? r.rs.host;
        if (upper === 0) {
          out.push({
            severity: 'warning',
            message: `Real server ${name} of ${serviceLabel(s)} has a lower threshold of ${lower} but no upper threshold; the lower one only applies after the upper one marked the server overloaded, so it has no effect.`,
            fix: `Set an upper threshold above ${lower} on ${name}, or remove the lower threshold.`,
            refs: [r.rs.id, r.rs.host, s.service.id],
          });
        } else if (lower >= upper) {
          out.push({
            ...(lower === upper ? { severity: 'warning' as const } : {}),
            message:
              lower === upper
                ? `Real server ${name} of ${serviceLabel(s)} has equal lower and upper thresholds (${upper}); it is taken back as soon as one connection ends, so it flaps around ${upper} connections.`
                : `Real server ${name} of ${serviceLabel(s)} has lower threshold ${lower} above its upper threshold ${upper}; it would be marked overloaded and available again at once.`,
            fix: `Set ${name}'s lower threshold below ${upper} (e.g. ${Math.floor((upper * 3) / 4)}), or leave it empty for 3/4 of the upper threshold.`,
            refs: [r.rs.id, r.rs.host, s.service.id],
          });
        }
      }
    }
    return out;
  },
};
