import type { Finding, Rule } from '../../rule.ts';
import { serviceLabel, serviceName } from '../../describe.ts';
import { ipvsOwnerOf } from '../../../model/health.ts';
import type { HealthCheckOverride } from '../../../model/types.ts';
import { parseIPv4 } from '../../../addressing/ipv4.ts';

const NAMES = { tcp: 'TCP_CHECK', http: 'HTTP_GET', ssl: 'SSL_GET', misc: 'MISC_CHECK' } as const;

/** What keepalived would refuse or silently ignore in one check (service level or an override on top of it). */
function mistakes(kind: keyof typeof NAMES, hc: HealthCheckOverride): { en: string; zh: string }[] {
  const out: { en: string; zh: string }[] = [];
  if (kind === 'misc' && hc.script === undefined)
    out.push({ en: 'MISC_CHECK has no script (misc_path); keepalived refuses the checker', zh: 'MISC_CHECK 没有脚本（misc_path），keepalived 会拒绝该检查' });
  if (kind !== 'misc' && (hc.script !== undefined || hc.scriptTimeout !== undefined)) {
    out.push({
      en: `a script is set but the check is ${NAMES[kind]}, which does not run scripts`,
      zh: `设置了脚本，但检查类型是 ${NAMES[kind]}，它不运行脚本`,
    });
  }
  if ((kind === 'tcp' || kind === 'misc') && (hc.path !== undefined || hc.status !== undefined || hc.digest !== undefined)) {
    out.push({
      en: `a URL path, status or digest is set but ${NAMES[kind]} sends no HTTP request`,
      zh: `设置了 URL 路径、状态码或摘要，但 ${NAMES[kind]} 不发送 HTTP 请求`,
    });
  }
  return out;
}

/** A health check keepalived would reject, ignore, or that nothing runs. */
export const invalidCheck: Rule = {
  id: 'health/invalid-check',
  severity: 'error',
  title: 'Health check keepalived would reject or ignore',
  titleZh: 'keepalived 会拒绝或忽略的健康检查',
  description:
    'The fields of a health check have to fit its kind: `MISC_CHECK` needs a script; URL path, status code and digest belong to `HTTP_GET`/`SSL_GET`; a script to `MISC_CHECK`. ' +
    'keepalived refuses a checker it cannot run (`keepalived -t` reports it) and ignores keywords of another checker. A sorry server needs a valid address. ' +
    'A check on a director whose IPVS table is owned by plain `ipvsadm` is not run at all (warning): nothing removes a dead server there.',
  example: { bad: 'web has a MISC_CHECK without a script.', fix: 'Give the MISC_CHECK an absolute script path, or use a TCP_CHECK.' },
  check(ctx) {
    const out: Finding[] = [];
    for (const s of ctx.services) {
      const svc = s.service;
      const hc = svc.healthCheck;
      if (!hc) continue;
      const found: { en: string; zh: string; rsId?: string }[] = [...mistakes(hc.kind, hc)];
      for (const r of svc.realServers) {
        if (!r.healthCheck) continue;
        // An override that changes the kind brings its own fields; the service's other-kind fields are not used.
        const merged =
          r.healthCheck.kind !== undefined && r.healthCheck.kind !== hc.kind ? { ...r.healthCheck, kind: r.healthCheck.kind } : { ...hc, ...r.healthCheck };
        // Report an override only for what it adds, not the service's own mistakes again.
        for (const m of mistakes(merged.kind, merged)) if (!found.some((f) => f.en === m.en)) found.push({ ...m, rsId: r.id });
      }
      if (hc.sorryServer && parseIPv4(hc.sorryServer.ip) === null) {
        found.push({
          en: `the sorry server address "${hc.sorryServer.ip}" is not an IPv4 address`,
          zh: `sorry server 地址 "${hc.sorryServer.ip}" 不是 IPv4 地址`,
        });
      }
      for (const f of found) {
        const where = f.rsId ? ` (real server ${f.rsId})` : '';
        out.push({
          message: `Service ${serviceLabel(s)}${where}: ${f.en}.`,
          fix: `Correct ${serviceName(s)}'s health check so its fields match its kind.`,
          refs: f.rsId ? [svc.id, f.rsId] : [svc.id],
          zh: {
            message: `服务 ${serviceLabel(s)}${f.rsId ? `（真实服务器 ${f.rsId}）` : ''}：${f.zh}。`,
            fix: `修改 ${serviceName(s)} 的健康检查，使字段与检查类型一致。`,
          },
        });
      }
      const director = s.director?.host;
      if (director && ipvsOwnerOf(ctx.topology, director) === 'ipvsadm') {
        out.push({
          severity: 'warning',
          message: `Service ${serviceLabel(s)} has a health check, but ${director.name}'s IPVS table is owned by ipvsadm: nothing runs the check, and a dead real server keeps getting connections.`,
          fix: `Set ${director.name}'s IPVS owner to keepalived (or remove the health check).`,
          refs: [svc.id, director.id],
          zh: {
            message: `服务 ${serviceLabel(s)} 配置了健康检查，但 ${director.name} 的 IPVS 表由 ipvsadm 管理：没有进程执行检查，宕机的真实服务器仍会收到连接。`,
            fix: `把 ${director.name} 的 IPVS 管理者设为 keepalived（或删除健康检查）。`,
          },
        });
      }
    }
    return out;
  },
};
