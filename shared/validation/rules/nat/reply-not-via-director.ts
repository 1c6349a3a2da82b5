import type { Finding, Rule } from '../../rule.ts';
import { ip } from '../../context.ts';
import { addressesFacing, orList, orListZh, serviceLabel } from '../../describe.ts';
import { clientTargets, eachServerPair } from '../../paths.ts';

/** NAT real servers must send replies back through the director. */
export const natReplyPath: Rule = {
  id: 'nat/reply-not-via-director',
  severity: 'error',
  title: 'NAT real server does not reply through the director',
  titleZh: 'NAT 真实服务器的回复不经过调度器',
  description:
    "In NAT mode the director rewrites the request's destination from the VIP to the RIP. The reply leaves the real server with source RIP and must pass through the director again, " +
    "which rewrites the source back to the VIP. If the real server's route to the client (usually its default gateway) is not the director's address on their shared segment (the DIP), " +
    "the reply reaches the client with source RIP, the client does not recognise it, and the connection never completes. The same happens when the client sits on the real server's own segment.",
  example: {
    bad: "rs1's default gateway is 192.168.111.1 (a router), but the director's DIP on `lan` is 192.168.111.200.",
    fix: "Set rs1's gateway to 192.168.111.200.",
  },
  check(ctx) {
    const out: Finding[] = [];
    const targets = clientTargets(ctx);
    eachServerPair(ctx, 'nat', (r, h, d) => {
      if (h === d) return;
      const dips = addressesFacing(d, h).filter((a) => ctx.onLinkIface(h, a) !== undefined && a !== r.service.vip);
      // No shared segment is nat/director-not-on-rs-segment's finding.
      if (dips.length === 0) return;
      const dip = dips[0]!;
      // The usual case first, without allocating: every client's reply already leaves by a DIP.
      let clientsSeen = false;
      let allViaDip = true;
      for (const t of targets) {
        if (t.host === h || t.host === d) continue;
        clientsSeen = true;
        const hop = ctx.nextHop(h, t.address);
        if (!hop || hop.via === null || !dips.includes(hop.via)) {
          allViaDip = false;
          break;
        }
      }
      if (clientsSeen && allViaDip) return;
      // Message parts are built only when a problem is found: this runs for every NAT real server.
      const svc = () => serviceLabel(r.service);
      const base = { refs: [h.host.id, d.host.id, r.rs.id] };
      const why = () => `the director must rewrite their source from the RIP ${r.rs.rip} back to the VIP ${r.service.service.vip}, or the client drops them`;
      const whyZh = () => `调度器必须把它们的源地址从 RIP ${r.rs.rip} 改回 VIP ${r.service.service.vip}，否则客户端会丢弃它们`;
      const checkOne = (destination: number, clientName: string | null): Finding | null => {
        const hop = ctx.nextHop(h, destination);
        if (hop && hop.via !== null && dips.includes(hop.via)) return null;
        const toWhom = clientName ? `the client ${clientName} (${ip(destination)})` : 'the clients';
        const toWhomZh = clientName ? `客户端 ${clientName}（${ip(destination)}）` : '客户端';
        if (!hop) {
          return {
            ...base,
            message: `${h.host.name} (a NAT real server of ${svc()}) has no route back to ${toWhom}: it has no default gateway. Replies in NAT mode must go back through the director's DIP ${ip(dip)}.`,
            zh: {
              message: `${h.host.name}（${svc()} 的 NAT 真实服务器）没有回到${toWhomZh}的路由：它没有默认网关。NAT 模式下回复必须经调度器的 DIP ${ip(dip)} 返回。`,
              fix: `把 ${h.host.name} 的网关设为 ${ip(dip)}。`,
            },
            fix: `Set ${h.host.name}'s gateway to ${ip(dip)}.`,
          };
        }
        if (hop.via === null) {
          return {
            ...base,
            message: `${h.host.name} (a NAT real server of ${svc()}) reaches ${toWhom} directly on its own segment, so its replies bypass the director; ${why()}.`,
            zh: {
              message: `${h.host.name}（${svc()} 的 NAT 真实服务器）在自己的网段上直接到达${toWhomZh}，所以它的回复绕过了调度器；${whyZh()}。`,
              fix: `把${clientName ? ` ${clientName} ` : '客户端'}移到真实服务器不在的网段（NAT 需要调度器位于两者之间），或者该服务改用 DR。`,
            },
            fix: `Move ${clientName ?? 'the client'} to a segment the real servers are not on (NAT needs the director between them), or use DR for this service.`,
          };
        }
        if (dips.includes(hop.via)) return null;
        if (hop.source === 'route') {
          return {
            ...base,
            message: `${h.host.name}'s route to ${hop.route} goes via ${ip(hop.via)}, but replies in NAT mode must go back through the director's DIP ${orList(dips)}: ${why()}.`,
            zh: {
              message: `${h.host.name} 到 ${hop.route} 的路由经由 ${ip(hop.via)}，但 NAT 模式下回复必须经调度器的 DIP ${orListZh(dips)} 返回：${whyZh()}。`,
              fix: `把 ${h.host.name} 到 ${hop.route} 的路由改为经由 ${ip(dip)}（或者删除它，让网关 ${ip(dip)} 生效）。`,
            },
            fix: `Change ${h.host.name}'s route to ${hop.route} to go via ${ip(dip)} (or remove it so the gateway ${ip(dip)} is used).`,
          };
        }
        return {
          ...base,
          message: `${h.host.name}'s default gateway is ${ip(hop.via)}, but replies in NAT mode must go back through the director's DIP ${orList(dips)}: ${why()}.`,
          zh: {
            message: `${h.host.name} 的默认网关是 ${ip(hop.via)}，但 NAT 模式下回复必须经调度器的 DIP ${orListZh(dips)} 返回：${whyZh()}。`,
            fix: `把 ${h.host.name} 的网关设为 ${ip(dip)}。`,
          },
          fix: `Set ${h.host.name}'s gateway to ${ip(dip)}.`,
        };
      };
      const relevant = targets.filter((t) => t.host !== h && t.host !== d);
      if (relevant.length === 0) {
        // No client in the design: the default route is what replies to outside clients take.
        if (h.gateway === null) {
          out.push({
            ...base,
            message: `${h.host.name} (a NAT real server of ${svc()}) has no default gateway, so it cannot reply to clients on other networks. Replies in NAT mode must go back through the director's DIP ${ip(dip)}.`,
            zh: {
              message: `${h.host.name}（${svc()} 的 NAT 真实服务器）没有默认网关，所以无法回复其他网络中的客户端。NAT 模式下回复必须经调度器的 DIP ${ip(dip)} 返回。`,
              fix: `把 ${h.host.name} 的网关设为 ${ip(dip)}。`,
            },
            fix: `Set ${h.host.name}'s gateway to ${ip(dip)}.`,
          });
        } else if (!dips.includes(h.gateway)) {
          out.push({
            ...base,
            message: `${h.host.name}'s default gateway is ${ip(h.gateway)}, but replies in NAT mode must go back through the director's DIP ${orList(dips)}: ${why()}.`,
            zh: {
              message: `${h.host.name} 的默认网关是 ${ip(h.gateway)}，但 NAT 模式下回复必须经调度器的 DIP ${orListZh(dips)} 返回：${whyZh()}。`,
              fix: `把 ${h.host.name} 的网关设为 ${ip(dip)}。`,
            },
            fix: `Set ${h.host.name}'s gateway to ${ip(dip)}.`,
          });
        }
        return;
      }
      for (const t of relevant) {
        const f = checkOne(t.address, t.host.host.name);
        if (f) {
          out.push(f);
          return;
        }
      }
    });
    return out;
  },
};
