import type { Finding, Rule } from '../../rule.ts';
import { ip } from '../../context.ts';
import { directorRef, directorRefZh, serviceLabel } from '../../describe.ts';
import { eachServerPair, replyHops } from '../../paths.ts';
import { suggestGateway } from '../../suggest.ts';

/** DR replies should not go through the director. */
export const drReplyViaDirector: Rule = {
  id: 'dr/reply-via-director',
  // An error, not a warning: the kernel drops the VIP-sourced reply at the director as a martian
  // (fib_validate_source refuses a local source address unless accept_local=1), as the walk shows.
  severity: 'error',
  title: 'DR real server replies through the director',
  titleZh: 'DR 真实服务器经调度器回复',
  description:
    'In DR mode the real server answers the client directly with the VIP as source address. If its route to the client goes through the director, the reply arrives at the director ' +
    'with a source address the director owns itself: Linux treats it as a martian packet and drops it (unless rp_filter and accept_local are relaxed), and even when it is forwarded the director carries all the reply traffic, ' +
    "which is exactly what DR is meant to avoid. The real server's gateway should be a router.",
  example: {
    bad: "rs1 (DR) has the director's DIP 192.168.163.101 as its default gateway (the seed article's DR setup).",
    fix: "Set rs1's gateway to the router 192.168.163.1.",
  },
  check(ctx) {
    const out: Finding[] = [];
    eachServerPair(ctx, 'dr', (r, h, d) => {
      if (h === d) return;
      for (const { target: t, hop } of replyHops(ctx, h)) {
        if (t.host === h || t.host === d) continue;
        if (!hop || hop.via === null || !d.addresses.has(hop.via)) continue;
        const router = suggestGateway(ctx, h, d);
        out.push({
          message:
            `${h.host.name} (a DR real server of ${serviceLabel(r.service)}) sends its replies to ${t.host.host.name} through ${directorRef(d)} (${ip(hop.via)}). ` +
            `Those replies carry the VIP ${r.service.service.vip} as source, an address ${d.host.name} owns, so it drops them as martians — and if it forwarded them it would carry all reply traffic, losing the point of DR.`,
          zh: {
            message:
              `${h.host.name}（${serviceLabel(r.service)} 的 DR 真实服务器）经${directorRefZh(d)}（${ip(hop.via)}）把回复发给 ${t.host.host.name}。` +
              `这些回复以 VIP ${r.service.service.vip} 作为源地址，而这是 ${d.host.name} 自己拥有的地址，所以它把它们当作火星包（martian）丢弃——即使转发了，所有回复流量也都要经过它，DR 就失去了意义。`,
            fix: router
              ? `把 ${h.host.name} 的网关设为路由器 ${router}。`
              : `给 ${h.host.name} 所在网段加一台通往客户端的路由器，并把它设为 ${h.host.name} 的网关。`,
          },
          fix: router
            ? `Set ${h.host.name}'s gateway to the router ${router}.`
            : `Give ${h.host.name}'s segment a router to the clients and make it ${h.host.name}'s gateway.`,
          refs: [h.host.id, d.host.id, r.rs.id],
        });
        return;
      }
    });
    return out;
  },
};
