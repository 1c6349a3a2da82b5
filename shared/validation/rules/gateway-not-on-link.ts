import type { Finding, Rule } from '../rule.ts';
import type { HostInfo } from '../context.ts';
import { suggestGateway } from '../suggest.ts';
import { ip } from '../context.ts';
import { formatIPv4, parseIPv4 } from '../../addressing/ipv4.ts';

/** Subnets of the host's ethernet interfaces, as text, for messages. */
export function hostSubnets(h: HostInfo): string[] {
  const out: string[] = [];
  for (const f of h.ifaces) {
    if (f.iface.kind !== 'ethernet') continue;
    for (const a of f.addresses) if (a.cidr && a.cidr.prefix > 0) out.push(`${formatIPv4(a.cidr.network)}/${a.cidr.prefix}`);
  }
  return out;
}

/** The next hops a host is configured with: its default gateway and the `via` of its routes. */
export function nextHopsOf(h: HostInfo): { address: number; what: string; role: string; fixWhat: string }[] {
  const out: { address: number; what: string; role: string; fixWhat: string }[] = [];
  if (h.gateway !== null) out.push({ address: h.gateway, what: `default gateway ${ip(h.gateway)}`, role: 'default gateway', fixWhat: `${h.host.name}'s gateway` });
  for (const r of h.host.routes ?? []) {
    if (r.via === undefined || r.dev !== undefined) continue;
    const via = parseIPv4(r.via);
    if (via !== null) out.push({ address: via, what: `route to ${r.destination} via ${r.via}`, role: `next hop to ${r.destination}`, fixWhat: `the next hop of ${h.host.name}'s route to ${r.destination}` });
  }
  return out;
}

/** A gateway (or a route's next hop) must be inside the subnet of one of the host's interfaces. */
export const gatewayNotOnLink: Rule = {
  id: 'addr/gateway-not-on-link',
  severity: 'error',
  title: 'Gateway not in the subnet of any interface',
  description:
    'A host reaches its gateway with ARP on one of its own segments, so the gateway must be inside the subnet of one of its interfaces. ' +
    'Otherwise the kernel refuses the route ("Nexthop has invalid gateway") and the host can only talk to its own segments.',
  example: { bad: 'rs1 (192.168.111.101/24) has the gateway 192.168.1.1.', fix: 'Set rs1\'s gateway to the router or director on 192.168.111.0/24, e.g. 192.168.111.200.' },
  check(ctx) {
    const out: Finding[] = [];
    for (const h of ctx.hosts) {
      for (const hop of nextHopsOf(h)) {
        if (ctx.onLinkIface(h, hop.address)) continue;
        const subnets = hostSubnets(h);
        const suggestion = suggestGateway(ctx, h);
        out.push({
          message:
            subnets.length === 0
              ? `${h.host.name} has the ${hop.what}, but no interface with an address on a segment, so it cannot reach any gateway.`
              : `${h.host.name}'s ${hop.what} is not in the subnet of any of its interfaces (${subnets.join(', ')}), so ${h.host.name} cannot reach it.`,
          fix: suggestion
            ? `Set ${hop.fixWhat} to ${suggestion} (a forwarding host on its segment).`
            : `Set ${hop.fixWhat} to the address of a router or director on one of ${h.host.name}'s segments.`,
          refs: [h.host.id],
        });
      }
    }
    return out;
  },
};
