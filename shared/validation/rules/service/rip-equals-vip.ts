import type { Finding, Rule } from '../../rule.ts';
import { serviceLabel } from '../../describe.ts';

/** A real server's RIP cannot be the VIP. */
export const ripEqualsVip: Rule = {
  id: 'service/rip-equals-vip',
  severity: 'error',
  title: 'Real server address equals the VIP',
  titleZh: '真实服务器地址等于 VIP',
  description:
    'The RIP is where the director sends each request. If it is the VIP, the director sends the packet to itself (or, in DR/TUN, to whichever host answers for the VIP) and the request loops or is dropped.',
  example: { bad: "rs1 of web has RIP 172.17.253.100, the VIP (it is on rs1's lo).", fix: "Use rs1's own address 192.168.163.102 as RIP." },
  check(ctx) {
    const out: Finding[] = [];
    for (const s of ctx.services) {
      if (s.vip === null) continue;
      for (const r of s.realServers) {
        if (r.rip !== s.vip) continue;
        const name = r.host?.host.name ?? r.rs.host;
        const own = r.host?.ifaces
          .find((f) => f.iface.kind === 'ethernet' && f.addresses.some((a) => a.cidr && a.cidr.value !== s.vip))
          ?.addresses.find((a) => a.cidr && a.cidr.value !== s.vip)?.cidr?.address;
        out.push({
          message: `Real server ${name} of ${serviceLabel(s)} has the VIP ${r.rs.rip} as its RIP; the director would send requests back to the VIP instead of to ${name}.`,
          zh: {
            message: `${serviceLabel(s)} 的真实服务器 ${name} 把 VIP ${r.rs.rip} 当作 RIP；调度器会把请求发回 VIP，而不是发给 ${name}。`,
            fix: own ? `把 RIP 设为 ${name} 自己的地址 ${own}。` : `把 RIP 设为 ${name} 在与调度器共享的网段上自己的地址。`,
          },
          fix: own ? `Set the RIP to ${name}'s own address ${own}.` : `Set the RIP to ${name}'s own address on the segment it shares with the director.`,
          refs: [r.rs.id, r.rs.host, s.service.id],
        });
      }
    }
    return out;
  },
};
