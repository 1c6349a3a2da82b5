import type { Finding, Rule } from '../../rule.ts';
import { directorRef, directorRefZh, serviceLabel } from '../../describe.ts';

/** A NAT director must forward packets. */
export const natIpForward: Rule = {
  id: 'nat/ip-forward-off',
  severity: 'error',
  title: 'NAT director does not forward packets',
  titleZh: 'NAT 调度器不转发数据包',
  description:
    "In NAT mode the real servers' replies are routed through the director, which rewrites their source to the VIP on the FORWARD path. With `net.ipv4.ip_forward=0` the kernel drops those replies before IPVS sees them.",
  example: { bad: 'The director of a NAT service has ip_forward off.', fix: 'Set net.ipv4.ip_forward=1 on the director.' },
  check(ctx) {
    const out: Finding[] = [];
    const done = new Set<string>();
    for (const s of ctx.services) {
      const d = s.director;
      if (!d || done.has(d.host.id) || d.host.sysctl?.ipForward === true) continue;
      if (!s.realServers.some((r) => r.rs.method === 'nat')) continue;
      done.add(d.host.id);
      out.push({
        message: `${directorRef(d, true)} has NAT real servers (service ${serviceLabel(s)}) but does not forward packets (ip_forward is off), so the real servers' replies are dropped instead of being rewritten back to the VIP.`,
        zh: {
          message: `${directorRefZh(d)} 有 NAT 真实服务器（服务 ${serviceLabel(s)}），但不转发数据包（ip_forward 关闭），所以真实服务器的回复被丢弃，而不是被改写回 VIP。`,
          fix: `在 ${d.host.name} 上打开 ip_forward（在 /etc/sysctl.conf 中写 net.ipv4.ip_forward=1，再执行 sysctl -p）。`,
        },
        fix: `Turn on ip_forward on ${d.host.name} (net.ipv4.ip_forward=1 in /etc/sysctl.conf, then sysctl -p).`,
        refs: [d.host.id, s.service.id],
      });
    }
    return out;
  },
};
