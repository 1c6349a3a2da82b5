import type { Finding, Rule } from '../../rule.ts';
import { directorRef, serviceLabel } from '../../describe.ts';

/** A NAT director must forward packets. */
export const natIpForward: Rule = {
  id: 'nat/ip-forward-off',
  severity: 'error',
  title: 'NAT director does not forward packets',
  description:
    'In NAT mode the real servers\' replies are routed through the director, which rewrites their source to the VIP on the FORWARD path. With `net.ipv4.ip_forward=0` the kernel drops those replies before IPVS sees them.',
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
        fix: `Turn on ip_forward on ${d.host.name} (net.ipv4.ip_forward=1 in /etc/sysctl.conf, then sysctl -p).`,
        refs: [d.host.id, s.service.id],
      });
    }
    return out;
  },
};
