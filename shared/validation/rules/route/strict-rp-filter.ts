import type { Finding, Rule } from '../../rule.ts';
import type { HostInfo, IfaceInfo } from '../../context.ts';
import { ip } from '../../context.ts';
import { serviceLabel } from '../../describe.ts';
import { eachServerPair, replyHops } from '../../paths.ts';

/** Where `g` sends a packet for `address`: the interface it leaves by, if it has a route. */
function egress(ctx: Parameters<Rule['check']>[0], g: HostInfo, address: number): IfaceInfo | undefined {
  const hop = ctx.nextHop(g, address);
  if (!hop) return undefined;
  return ctx.onLinkIface(g, hop.via ?? address);
}

/** A router with strict rp_filter drops DR/TUN replies that arrive where it would not send the VIP. */
export const strictRpFilter: Rule = {
  id: 'route/strict-rp-filter',
  severity: 'error',
  title: 'Router drops DR/TUN replies by strict reverse-path filtering',
  titleZh: '路由器的严格反向路径过滤丢弃 DR/TUN 回复',
  description:
    'DR and TUN real servers answer the client directly with the VIP as source. The router they send those replies through checks the source with reverse-path filtering: ' +
    'with `rp_filter=1` (strict; the kernel uses the larger of `conf.all` and `conf.<interface>`, net/ipv4/fib_frontend.c fib_validate_source) it drops a packet whose source it would not route back out of the interface the packet came in by. ' +
    "The VIP lives on the director's side, so a router whose route to the VIP leaves by another interface drops every reply. Use loose mode (`rp_filter=2`) or 0 on that interface.",
  example: {
    bad: "The TUN lab's router has rp_filter=1 on eth1, where the real servers' replies (source VIP) arrive, while its route to the VIP leaves by eth0.",
    fix: 'Set net.ipv4.conf.eth1.rp_filter=2 (and conf.all.rp_filter to 0 or 2) on the router.',
  },
  check(ctx) {
    const out: Finding[] = [];
    const done = new Set<string>();
    const directors = new Set<string>();
    for (const s of ctx.services) if (s.director) directors.add(s.director.host.id);
    const visit = (r: Parameters<Parameters<typeof eachServerPair>[2]>[0], h: HostInfo, d: HostInfo): void => {
      if (h === d || r.service.vip === null) return;
      for (const { target: t, hop } of replyHops(ctx, h)) {
        if (t.host === h || t.host === d) continue;
        if (!hop || hop.via === null) continue;
        for (const f of ctx.hopOwners.get(hop.via) ?? []) {
          const g = f.host;
          // Directors are the NAT/DR rules' business; a router only matters when it forwards.
          if (directors.has(g.host.id) || g.host.sysctl?.ipForward !== true) continue;
          const mode = Math.max(g.host.sysctl?.rpFilter ?? 0, f.iface.sysctl?.rpFilter ?? 0);
          if (mode !== 1) continue;
          // Keyed only past the cheap test: most routers are not strict, and the key is a new string.
          const key = `${g.host.id}/${f.iface.id}/${r.service.vip}`;
          if (done.has(key)) continue;
          const back = egress(ctx, g, r.service.vip);
          if (back && back.iface.id === f.iface.id) continue;
          done.add(key);
          const vip = ip(r.service.vip);
          out.push({
            message:
              `${g.host.name} forwards the replies of ${h.host.name} (${r.rs.method.toUpperCase()} real server of ${serviceLabel(r.service)}) to ${t.host.host.name}, but has strict rp_filter on ${f.iface.name}: ` +
              `those replies carry the VIP ${vip} as source, and ${g.host.name}'s route back to ${vip} ${back ? `leaves by ${back.iface.name}` : 'does not exist'}, so it drops them.`,
            zh: {
              message:
                `${g.host.name} 转发 ${h.host.name}（${serviceLabel(r.service)} 的 ${r.rs.method.toUpperCase()} 真实服务器）发给 ${t.host.host.name} 的回复，但它在 ${f.iface.name} 上开启了严格的 rp_filter：` +
                `这些回复以 VIP ${vip} 为源地址，而 ${g.host.name} 回到 ${vip} 的路由${back ? `从 ${back.iface.name} 出去` : '不存在'}，所以它丢弃这些回复。`,
              fix: `在 ${g.host.name} 上设置 net.ipv4.conf.${f.iface.name}.rp_filter=2（宽松模式），并让 conf.all.rp_filter 为 0 或 2。`,
            },
            fix: `On ${g.host.name} set net.ipv4.conf.${f.iface.name}.rp_filter=2 (loose), with conf.all.rp_filter 0 or 2.`,
            refs: [g.host.id, f.iface.id, h.host.id, r.rs.id],
          });
        }
      }
    };
    eachServerPair(ctx, 'dr', visit);
    eachServerPair(ctx, 'tun', visit);
    return out;
  },
};
