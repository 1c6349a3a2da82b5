import type { Finding, Rule } from '../../rule.ts';
import { serviceLabel, serviceName } from '../../describe.ts';

/** A quorum the real servers can never reach. */
export const quorumAboveWeights: Rule = {
  id: 'health/quorum-above-weights',
  severity: 'error',
  title: 'Quorum larger than the sum of the weights',
  titleZh: 'quorum 大于权重之和',
  description:
    'keepalived counts the weights of the live real servers; the service has its quorum while that sum is at least `quorum` (plus `hysteresis` to regain it). ' +
    'When `quorum` is larger than the weights of all real servers together, the quorum is never reached even with every server healthy: keepalived runs the `quorum_down` command and, with a sorry server, sends every client there.',
  example: { bad: 'web has quorum 5 and two real servers of weight 1.', fix: 'Lower the quorum to 2 or less (or raise the weights).' },
  check(ctx) {
    const out: Finding[] = [];
    for (const s of ctx.services) {
      const hc = s.service.healthCheck;
      if (!hc || hc.quorum === undefined) continue;
      const sum = s.service.realServers.reduce((a, r) => a + r.weight, 0);
      const hysteresis = hc.hysteresis ?? 0;
      if (hc.quorum <= sum && hc.quorum + hysteresis <= sum) continue;
      const never = hc.quorum > sum;
      out.push({
        severity: never ? 'error' : 'warning',
        message: never
          ? `Service ${serviceLabel(s)} needs a quorum of ${hc.quorum}, but its real servers weigh ${sum} together: the quorum is never reached, even with every server up.`
          : `Service ${serviceLabel(s)} needs weight ${hc.quorum} + hysteresis ${hysteresis} = ${hc.quorum + hysteresis} to regain its quorum, but its real servers weigh ${sum}: once lost, the quorum never comes back.`,
        fix: `Lower ${serviceName(s)}'s quorum${never ? '' : ' or hysteresis'} to at most ${never ? sum : sum - hysteresis}, or add weight.`,
        refs: [s.service.id],
        zh: {
          message: never
            ? `服务 ${serviceLabel(s)} 的 quorum 为 ${hc.quorum}，但其真实服务器权重之和只有 ${sum}：即使所有服务器都正常，也永远达不到 quorum。`
            : `服务 ${serviceLabel(s)} 需要权重 ${hc.quorum} + hysteresis ${hysteresis} = ${hc.quorum + hysteresis} 才能恢复 quorum，但真实服务器权重之和只有 ${sum}：一旦失去就无法恢复。`,
          fix: `把 ${serviceName(s)} 的 quorum${never ? '' : '或 hysteresis'}降到不超过 ${never ? sum : sum - hysteresis}，或增加权重。`,
        },
      });
    }
    return out;
  },
};
