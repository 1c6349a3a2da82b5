import type { Finding, Rule } from '../../rule.ts';
import { serviceLabel } from '../../describe.ts';

/** Connection thresholds must make sense. */
export const thresholds: Rule = {
  id: 'service/thresholds',
  severity: 'error',
  title: 'Lower threshold above the upper threshold',
  titleZh: '下限阈值高于上限阈值',
  description:
    'IPVS marks a real server overloaded when its active + inactive connections reach the upper threshold (`-x`) and takes it back when they fall below the lower one (`-y`). ' +
    'A lower threshold above the upper one means the server is taken back immediately and flaps (error); an equal one gives no hysteresis, and a lower threshold without an upper one does nothing (warnings).',
  example: {
    bad: 'rs1 has upper threshold 100 and lower threshold 200.',
    fix: 'Set the lower threshold below 100 (e.g. 75), or leave it empty for 3/4 of the upper.',
  },
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
            zh: {
              message: `${serviceLabel(s)} 的真实服务器 ${name} 设置了下限阈值 ${lower}，却没有上限阈值；下限只在上限把服务器标为过载之后才起作用，所以它没有效果。`,
              fix: `在 ${name} 上设置一个高于 ${lower} 的上限阈值，或者删除下限阈值。`,
            },
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
            zh: {
              message:
                lower === upper
                  ? `${serviceLabel(s)} 的真实服务器 ${name} 的下限和上限阈值相等（${upper}）；只要结束一个连接它就会被重新启用，于是在 ${upper} 个连接附近反复切换。`
                  : `${serviceLabel(s)} 的真实服务器 ${name} 的下限阈值 ${lower} 高于上限阈值 ${upper}；它会被标为过载后又立刻恢复可用。`,
              fix: `把 ${name} 的下限阈值设为低于 ${upper}（例如 ${Math.floor((upper * 3) / 4)}），或者留空，取上限的 3/4。`,
            },
            fix: `Set ${name}'s lower threshold below ${upper} (e.g. ${Math.floor((upper * 3) / 4)}), or leave it empty for 3/4 of the upper threshold.`,
            refs: [r.rs.id, r.rs.host, s.service.id],
          });
        }
      }
    }
    return out;
  },
};
