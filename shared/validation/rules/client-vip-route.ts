import type { Finding, Rule } from '../rule.ts';
import type { ServiceInfo } from '../context.ts';
import { ip } from '../context.ts';
import { serviceName } from '../describe.ts';
import { suggestGateway } from '../suggest.ts';

/** Every client must have a first hop towards every VIP. */
export const clientVipRoute: Rule = {
  id: 'route/client-cannot-reach-vip',
  severity: 'error',
  title: 'Client has no way to the VIP',
  description:
    'A client reaches a VIP either on-link — the VIP is in the subnet of one of its interfaces, and then the director must answer ARP for it on that same segment — or through a gateway. ' +
    'With neither a route nor a default gateway, or with the VIP "on-link" on a segment where no host has it, the client\'s first packet never leaves. ' +
    '(What happens after the first hop is traced by the simulator.)',
  example: { bad: 'The client has no default gateway and the VIP 172.17.253.100 is on another network.', fix: 'Set the client\'s gateway to the router 172.17.253.1.' },
  check(ctx) {
    const out: Finding[] = [];
    const vips = new Map<number, ServiceInfo[]>();
    for (const s of ctx.services) {
      if (s.vip === null) continue;
      const list = vips.get(s.vip);
      if (list) list.push(s);
      else vips.set(s.vip, [s]);
    }
    for (const c of ctx.clients) {
      if (c.segments.length === 0) continue; // general/unattached-host speaks.
      const noRoute: ServiceInfo[] = [];
      for (const [vip, services] of vips) {
        if (c.addresses.has(vip)) continue; // general/client-on-director speaks.
        const hop = ctx.nextHop(c, vip);
        if (!hop) {
          noRoute.push(...services);
          continue;
        }
        if (hop.via !== null) continue;
        const f = ctx.onLinkIface(c, vip);
        const seg = f?.segment;
        if (!f || !seg || seg.owners.has(vip)) continue;
        out.push({
          message: `${c.host.name} sees the VIP ${ip(vip)} (${services.map(serviceName).join(', ')}) as on-link on segment ${seg.segment.name}, but no host on ${seg.segment.name} has that address, so its ARP requests for it get no answer.`,
          fix: `Give the director the VIP ${ip(vip)} on its interface on ${seg.segment.name}, or correct ${c.host.name}'s prefix so the VIP is reached through its gateway.`,
          refs: [c.host.id, f.iface.id, seg.segment.id, ...services.map((s) => s.service.id)],
        });
      }
      if (noRoute.length > 0) {
        const router = suggestGateway(ctx, c);
        const names = noRoute.map(serviceName);
        out.push({
          message: `${c.host.name} has no route to the VIP${noRoute.length > 1 ? 's' : ''} of ${names.slice(0, 3).join(', ')}${names.length > 3 ? ` and ${names.length - 3} more` : ''} (${ip(noRoute[0]!.vip!)}${noRoute.length > 1 ? ', ...' : ''}): no default gateway and no matching route, so its requests never leave it.`,
          fix: router ? `Set ${c.host.name}'s gateway to ${router}.` : `Give ${c.host.name} a default gateway: a router on its segment.`,
          refs: [c.host.id, ...noRoute.map((s) => s.service.id)],
        });
      }
    }
    return out;
  },
};
