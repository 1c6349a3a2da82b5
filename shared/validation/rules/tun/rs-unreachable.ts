import type { Finding, Rule } from '../../rule.ts';
import { directorRef, directorRefZh, serviceLabel } from '../../describe.ts';
import { eachServerPair } from '../../paths.ts';

/** The director must be able to route the tunnel packets to the RIP. */
export const tunReachable: Rule = {
  id: 'tun/rs-unreachable',
  severity: 'error',
  title: 'Director has no route to a TUN real server',
  titleZh: '调度器没有到 TUN 真实服务器的路由',
  description:
    'A TUN director sends the wrapped request as an ordinary IP packet to the RIP, so it needs a route to it: on-link, through a static route, or through its default gateway. Without one the tunnel packets cannot leave the director.',
  example: {
    bad: "The director has no gateway and no route to the real servers' network 10.20.0.0/24.",
    fix: "Add a route to 10.20.0.0/24 via the router, or set the director's gateway.",
  },
  check(ctx) {
    const out: Finding[] = [];
    eachServerPair(ctx, 'tun', (r, h, d) => {
      if (h === d || r.rip === null || ctx.nextHop(d, r.rip)) return;
      out.push({
        message: `${directorRef(d, true)} of ${serviceLabel(r.service)} has no route to the TUN real server ${h.host.name} (${r.rs.rip}): no interface in its subnet, no matching route and no default gateway, so the IPIP packets cannot be sent.`,
        zh: {
          message: `${serviceLabel(r.service)} 的${directorRefZh(d)}没有到 TUN 真实服务器 ${h.host.name}（${r.rs.rip}）的路由：没有处在其子网的接口、没有匹配的路由，也没有默认网关，所以 IPIP 数据包发不出去。`,
          fix: `把 ${d.host.name} 的网关设为通往 ${r.rs.rip} 的路由器，或者添加一条经该路由器到 ${h.host.name} 所在网络的路由。`,
        },
        fix: `Set ${d.host.name}'s gateway to the router towards ${r.rs.rip}, or add a route to ${h.host.name}'s network via that router.`,
        refs: [d.host.id, h.host.id, r.rs.id],
      });
    });
    return out;
  },
};
