import type { Finding, Rule } from '../../rule.ts';
import { ip } from '../../context.ts';
import { serviceLabel } from '../../describe.ts';
import { clientTargets, eachServerPair } from '../../paths.ts';
import { suggestGateway } from '../../suggest.ts';

/** DR and TUN real servers answer clients directly and need a route to them. */
export const noReturnPath: Rule = {
  id: 'route/no-return-path',
  severity: 'error',
  title: 'DR/TUN real server has no route back to a client',
  titleZh: 'DR/TUN 真实服务器没有回到客户端的路由',
  description:
    "DR and TUN real servers send their replies straight to the client, not back through the director. If a real server has neither a default gateway nor a route to a client's network, the reply cannot leave it and the client waits forever.",
  example: { bad: 'rs1 of a DR service has no default gateway; the client is on another network.', fix: "Set rs1's gateway to the router on its segment." },
  check(ctx) {
    const out: Finding[] = [];
    const targets = clientTargets(ctx);
    const done = new Set<string>();
    const visit = (method: 'dr' | 'tun') =>
      eachServerPair(ctx, method, (r, h, d) => {
        if (h === d || done.has(h.host.id)) return;
        for (const t of targets) {
          if (t.host === h || ctx.nextHop(h, t.address)) continue;
          done.add(h.host.id);
          const router = suggestGateway(ctx, h);
          out.push({
            message: `${h.host.name} (a ${method.toUpperCase()} real server of ${serviceLabel(r.service)}) has no route to the client ${t.host.host.name} (${ip(t.address)}) — no default gateway and no matching route — so its replies cannot leave it.`,
            zh: {
              message: `${h.host.name}（${serviceLabel(r.service)} 的 ${method.toUpperCase()} 真实服务器）没有到客户端 ${t.host.host.name}（${ip(t.address)}）的路由——没有默认网关，也没有匹配的路由——所以它的回复发不出去。`,
              fix: router ? `把 ${h.host.name} 的网关设为路由器 ${router}。` : `给 ${h.host.name} 配置默认网关：它所在网段上一台能到达客户端的路由器。`,
            },
            fix: router
              ? `Set ${h.host.name}'s gateway to the router ${router}.`
              : `Give ${h.host.name} a default gateway: a router on its segment that reaches the clients.`,
            refs: [h.host.id, r.rs.id],
          });
          return;
        }
      });
    visit('dr');
    visit('tun');
    return out;
  },
};
