import type { Finding, Rule } from '../../rule.ts';
import { directorRef, directorRefZh, serviceLabel } from '../../describe.ts';
import { eachServerPair } from '../../paths.ts';

/** NAT real servers normally sit on a segment of the director. */
export const natSharedSegment: Rule = {
  id: 'nat/director-not-on-rs-segment',
  severity: 'warning',
  title: 'NAT real server on a segment the director is not on',
  titleZh: 'NAT 真实服务器所在网段上没有调度器',
  description:
    "A NAT real server must send every reply back through the director. That is simple when the director is on the real server's segment and is its gateway. " +
    "When a router sits in between, that router must route the clients' networks back to the director, which LVS Designer cannot see — usually the replies take the router's own default route and are lost.",
  example: {
    bad: 'rs1 of a NAT service is on `dc2`, reachable from the director only through a router.',
    fix: "Plug the director into `dc2` and make it rs1's gateway, or use TUN.",
  },
  check(ctx) {
    const out: Finding[] = [];
    eachServerPair(ctx, 'nat', (r, h, d) => {
      if (h === d || ctx.sharedSegments(h, d).length > 0) return;
      out.push({
        message: `${h.host.name}, a NAT real server of ${serviceLabel(r.service)}, shares no segment with ${directorRef(d)}; its replies only come back through the director if every router on the way routes the clients' networks to ${d.host.name}.`,
        zh: {
          message: `${h.host.name} 是 ${serviceLabel(r.service)} 的 NAT 真实服务器，但与${directorRefZh(d)}没有共同的网段；只有沿途每台路由器都把客户端网络路由到 ${d.host.name}，它的回复才会经调度器返回。`,
          fix: `把 ${d.host.name} 接到 ${h.host.name} 的网段，并把 ${h.host.name} 的网关设为调度器在该网段的地址；远程的真实服务器请改用 TUN。`,
        },
        fix: `Plug ${d.host.name} into ${h.host.name}'s segment and set ${h.host.name}'s gateway to the director's address there, or use TUN for a remote real server.`,
        refs: [h.host.id, d.host.id, r.rs.id],
      });
    });
    return out;
  },
};
