import type { Finding, Rule } from '../../rule.ts';
import { serviceLabel, serviceName } from '../../describe.ts';
import { effectiveHealthCheck } from '../../../model/health.ts';

/** A check that may still be waiting for a connect when the next one is due. */
export const connectTimeout: Rule = {
  id: 'health/connect-timeout',
  severity: 'warning',
  title: 'connect_timeout not shorter than delay_loop',
  titleZh: 'connect_timeout 不小于 delay_loop',
  description:
    'keepalived starts the next check `delay_loop` seconds after the previous one finished; a silent (crashed or unplugged) server makes each attempt wait the whole `connect_timeout`. ' +
    'With `connect_timeout` ≥ `delay_loop` the check interval is dominated by the timeout, the detection window (`delay_loop` + (retry + 1) × `connect_timeout` + retry × `delay_before_retry`) grows far beyond what the interval suggests, ' +
    'and a slow but healthy server is declared down. Keep `connect_timeout` well below `delay_loop`.',
  example: { bad: 'web checks every 3 s (delay_loop 3) with connect_timeout 5.', fix: 'Set connect_timeout 2 (or delay_loop 10).' },
  check(ctx) {
    const out: Finding[] = [];
    for (const s of ctx.services) {
      const svc = s.service;
      const seen = new Set<string>();
      for (const r of svc.realServers.length > 0 ? svc.realServers : [undefined]) {
        const hc = effectiveHealthCheck(svc, r);
        if (!hc || hc.kind === 'misc' || hc.connectTimeout < hc.delayLoop) continue;
        const key = `${hc.connectTimeout}/${hc.delayLoop}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const who =
          r && r.healthCheck && (r.healthCheck.connectTimeout !== undefined || r.healthCheck.delayLoop !== undefined) ? ` for real server ${r.rip}` : '';
        const whoZh = who ? `（真实服务器 ${r!.rip}）` : '';
        out.push({
          message: `Service ${serviceLabel(s)}${who} waits up to connect_timeout ${hc.connectTimeout} s per check attempt but checks every delay_loop ${hc.delayLoop} s: a silent server is found only after ${hc.delayLoop + (hc.retry + 1) * hc.connectTimeout + hc.retry * hc.delayBeforeRetry} s, and a slow healthy one is taken out.`,
          fix: `Make ${serviceName(s)}'s connect_timeout shorter than delay_loop, e.g. connect_timeout ${Math.max(1, Math.floor(hc.delayLoop / 3))}.`,
          refs: r ? [svc.id, r.id] : [svc.id],
          zh: {
            message: `服务 ${serviceLabel(s)}${whoZh}每次检查最多等待 connect_timeout ${hc.connectTimeout} 秒，但检查间隔 delay_loop 只有 ${hc.delayLoop} 秒：无响应的服务器要 ${hc.delayLoop + (hc.retry + 1) * hc.connectTimeout + hc.retry * hc.delayBeforeRetry} 秒后才被发现，而较慢的正常服务器会被移出。`,
            fix: `把 ${serviceName(s)} 的 connect_timeout 设得比 delay_loop 短，例如 connect_timeout ${Math.max(1, Math.floor(hc.delayLoop / 3))}。`,
          },
        });
      }
    }
    return out;
  },
};
