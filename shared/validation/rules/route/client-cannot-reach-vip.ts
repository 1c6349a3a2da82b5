import type { Finding, Rule } from '../../rule.ts';
import type { HostInfo, ServiceInfo } from '../../context.ts';
import { ip } from '../../context.ts';
import { serviceName } from '../../describe.ts';
import { suggestGateway } from '../../suggest.ts';

/** Every client must have a first hop towards every VIP. */
export const clientVipRoute: Rule = {
  id: 'route/client-cannot-reach-vip',
  severity: 'error',
  title: 'Client has no way to the VIP',
  titleZh: '客户端无路可达 VIP',
  description:
    'A client reaches a VIP either on-link — the VIP is in the subnet of one of its interfaces, and then the director must answer ARP for it on that same segment — or through a gateway. ' +
    'With neither a route nor a default gateway, or with the VIP "on-link" on a segment where no host has it, the client\'s first packet never leaves. ' +
    '(What happens after the first hop is traced by the simulator.)',
  example: {
    bad: 'The client has no default gateway and the VIP 172.17.253.100 is on another network.',
    fix: "Set the client's gateway to the router 172.17.253.1.",
  },
  check(ctx) {
    const out: Finding[] = [];
    const vips = new Map<number, ServiceInfo[]>();
    for (const s of ctx.services) {
      if (s.vip === null) continue;
      const list = vips.get(s.vip);
      if (list) list.push(s);
      else vips.set(s.vip, [s]);
    }
    type Verdict = { readonly vip: number; readonly services: ServiceInfo[]; readonly onLink: boolean };
    // Clients with the same interfaces' subnets, gateway and routes decide every destination the same way, so
    // each routing "shape" is evaluated once: clients × VIPs would otherwise grow with the square of the design.
    const verdicts = new Map<string, Verdict[]>();
    const evaluate = (c: HostInfo): Verdict[] => {
      const found: Verdict[] = [];
      for (const [vip, services] of vips) {
        if (c.addresses.has(vip)) continue; // general/client-on-director speaks.
        const hop = ctx.nextHop(c, vip);
        if (!hop) {
          found.push({ vip, services, onLink: false });
          continue;
        }
        if (hop.via !== null) continue;
        const seg = ctx.onLinkIface(c, vip)?.segment;
        if (seg && !seg.owners.has(vip)) found.push({ vip, services, onLink: true });
      }
      return found;
    };
    const shapeOf = (c: HostInfo): string | null => {
      for (const v of vips.keys()) if (c.addresses.has(v)) return null;
      const parts: string[] = [String(c.gateway)];
      for (const f of c.ifaces) {
        if (f.iface.kind !== 'ethernet') continue;
        for (const a of f.addresses) if (a.cidr) parts.push(`${f.segment?.segment.id ?? '-'}:${a.cidr.network}/${a.cidr.prefix}`);
      }
      for (const r of c.host.routes ?? []) parts.push(`${r.destination}>${r.via ?? ''}>${r.dev ?? ''}`);
      return parts.join('|');
    };
    for (const c of ctx.clients) {
      if (c.segments.length === 0) continue; // general/unattached-host speaks.
      const shape = shapeOf(c);
      let found = shape === null ? undefined : verdicts.get(shape);
      if (!found) {
        found = evaluate(c);
        if (shape !== null) verdicts.set(shape, found);
      }
      const noRoute: ServiceInfo[] = [];
      for (const v of found) {
        if (!v.onLink) {
          noRoute.push(...v.services);
          continue;
        }
        const f = ctx.onLinkIface(c, v.vip)!;
        const seg = f.segment!;
        out.push({
          message: `${c.host.name} sees the VIP ${ip(v.vip)} (${v.services.map(serviceName).join(', ')}) as on-link on segment ${seg.segment.name}, but no host on ${seg.segment.name} has that address, so its ARP requests for it get no answer.`,
          zh: {
            message: `${c.host.name} 认为 VIP ${ip(v.vip)}（${v.services.map(serviceName).join('、')}）在网段 ${seg.segment.name} 上直连，但 ${seg.segment.name} 上没有主机拥有这个地址，所以它对该地址的 ARP 请求得不到应答。`,
            fix: `给调度器在 ${seg.segment.name} 上的接口配置 VIP ${ip(v.vip)}，或者改正 ${c.host.name} 的前缀，让它经网关到达 VIP。`,
          },
          fix: `Give the director the VIP ${ip(v.vip)} on its interface on ${seg.segment.name}, or correct ${c.host.name}'s prefix so the VIP is reached through its gateway.`,
          refs: [c.host.id, f.iface.id, seg.segment.id, ...v.services.map((x) => x.service.id)],
        });
      }
      if (noRoute.length > 0) {
        const router = suggestGateway(ctx, c);
        const names = noRoute.map(serviceName);
        out.push({
          message: `${c.host.name} has no route to the VIP${noRoute.length > 1 ? 's' : ''} of ${names.slice(0, 3).join(', ')}${names.length > 3 ? ` and ${names.length - 3} more` : ''} (${ip(noRoute[0]!.vip!)}${noRoute.length > 1 ? ', ...' : ''}): no default gateway and no matching route, so its requests never leave it.`,
          zh: {
            message: `${c.host.name} 没有到 ${names.slice(0, 3).join('、')}${names.length > 3 ? ` 等另外 ${names.length - 3} 个服务` : ''} 的 VIP（${ip(noRoute[0]!.vip!)}${noRoute.length > 1 ? ' 等' : ''}）的路由：没有默认网关，也没有匹配的路由，它的请求永远发不出去。`,
            fix: router ? `把 ${c.host.name} 的网关设为 ${router}。` : `给 ${c.host.name} 配置默认网关：它所在网段上的一台路由器。`,
          },
          fix: router ? `Set ${c.host.name}'s gateway to ${router}.` : `Give ${c.host.name} a default gateway: a router on its segment.`,
          refs: [c.host.id, ...noRoute.map((x) => x.service.id)],
        });
      }
    }
    return out;
  },
};
