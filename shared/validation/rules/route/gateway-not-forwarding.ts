import type { Finding, Rule } from '../../rule.ts';
import type { HostInfo } from '../../context.ts';
import { ip, parseIPv4Fast } from '../../context.ts';

/** A host others route through must forward packets. */
export const gatewayNotForwarding: Rule = {
  id: 'route/gateway-not-forwarding',
  severity: 'error',
  title: 'Gateway does not forward packets',
  titleZh: '网关不转发数据包',
  description:
    "A host that a client, director or real server uses as its gateway (or as a static route's next hop) receives packets addressed to other hosts. " +
    'With `net.ipv4.ip_forward=0` Linux delivers only packets for its own addresses and drops the rest (ip_forward() is never reached: net/ipv4/route.c ' +
    'gives such packets no forwarding route), so every request or reply that has to cross it is lost. Directors are left to the NAT and DR rules.',
  example: { bad: "The TUN lab's router has ip_forward off.", fix: 'Set net.ipv4.ip_forward=1 on the router.' },
  check(ctx) {
    const out: Finding[] = [];
    const directors = new Set<string>();
    for (const s of ctx.services) if (s.director) directors.add(s.director.host.id);
    // Hosts whose traffic matters, each once: the clients and the services' directors and real servers.
    const users = new Set<HostInfo>(ctx.clients);
    for (const s of ctx.services) {
      if (s.director) users.add(s.director);
      for (const r of s.realServers) if (r.host) users.add(r.host);
    }
    const done = new Set<string>();
    for (const u of users) {
      const hops: number[] = [];
      if (u.gateway !== null) hops.push(u.gateway);
      for (const r of u.host.routes ?? []) {
        const via = r.via ? parseIPv4Fast(r.via) : null;
        if (via !== null) hops.push(via);
      }
      for (const hop of hops) {
        for (const f of ctx.hopOwners.get(hop) ?? []) {
          const g = f.host;
          if (g === u || directors.has(g.host.id) || g.host.sysctl?.ipForward === true || done.has(g.host.id)) continue;
          done.add(g.host.id);
          out.push({
            message: `${u.host.name} sends traffic for other hosts through ${g.host.name} (${ip(hop)}), but ${g.host.name} does not forward packets (ip_forward is off), so it drops everything that has to cross it.`,
            zh: {
              message: `${u.host.name} 经 ${g.host.name}（${ip(hop)}）发送去往其他主机的流量，但 ${g.host.name} 不转发数据包（ip_forward 关闭），所以所有需要经过它的包都被丢弃。`,
              fix: `在 ${g.host.name} 上打开 ip_forward（net.ipv4.ip_forward=1）。`,
            },
            fix: `Turn on ip_forward on ${g.host.name} (net.ipv4.ip_forward=1).`,
            refs: [g.host.id, f.iface.id, u.host.id],
          });
        }
      }
    }
    return out;
  },
};
