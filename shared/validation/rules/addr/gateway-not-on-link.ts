import type { Finding, Rule } from '../../rule.ts';
import type { HostInfo } from '../../context.ts';
import { suggestGateway } from '../../suggest.ts';
import { ip, parseIPv4Fast as parseIPv4 } from '../../context.ts';
import { formatIPv4 } from '../../../addressing/ipv4.ts';

/** Subnets of the host's ethernet interfaces, as text, for messages. */
export function hostSubnets(h: HostInfo): string[] {
  const out: string[] = [];
  for (const f of h.ifaces) {
    if (f.iface.kind !== 'ethernet') continue;
    for (const a of f.addresses) if (a.cidr && a.cidr.prefix > 0) out.push(`${formatIPv4(a.cidr.network)}/${a.cidr.prefix}`);
  }
  return out;
}

/** A next hop a host is configured with: its default gateway or the `via` of a static route. */
export interface ConfiguredHop {
  readonly address: number;
  /** The route's destination, or undefined for the default gateway. */
  readonly destination?: string;
}

/** The next hops a host is configured with: its default gateway and the `via` of its routes (without `dev`). */
export function nextHopsOf(h: HostInfo): ConfiguredHop[] {
  const out: ConfiguredHop[] = [];
  if (h.gateway !== null) out.push({ address: h.gateway });
  for (const r of h.host.routes ?? []) {
    if (r.via === undefined || r.dev !== undefined) continue;
    const via = parseIPv4(r.via);
    if (via !== null) out.push({ address: via, destination: r.destination });
  }
  return out;
}

/** `default gateway 192.168.111.1` / `route to 10.0.0.0/8 via 192.168.111.1`. */
export const hopWhat = (hop: ConfiguredHop): string =>
  hop.destination === undefined ? `default gateway ${ip(hop.address)}` : `route to ${hop.destination} via ${ip(hop.address)}`;

/** `default gateway` / `next hop to 10.0.0.0/8`. */
export const hopRole = (hop: ConfiguredHop): string => (hop.destination === undefined ? 'default gateway' : `next hop to ${hop.destination}`);

/** What to change: `rs1's gateway` / `the next hop of rs1's route to 10.0.0.0/8`. */
export const hopFixWhat = (h: HostInfo, hop: ConfiguredHop): string =>
  hop.destination === undefined ? `${h.host.name}'s gateway` : `the next hop of ${h.host.name}'s route to ${hop.destination}`;

/** {@link hopWhat} in Simplified Chinese: `默认网关 192.168.111.1` / `经 192.168.111.1 到 10.0.0.0/8 的路由`. */
export const hopWhatZh = (hop: ConfiguredHop): string =>
  hop.destination === undefined ? `默认网关 ${ip(hop.address)}` : `经 ${ip(hop.address)} 到 ${hop.destination} 的路由`;
/** {@link hopRole} in Simplified Chinese. */
export const hopRoleZh = (hop: ConfiguredHop): string => (hop.destination === undefined ? '默认网关' : `到 ${hop.destination} 的下一跳`);
/** {@link hopFixWhat} in Simplified Chinese: `rs1 的网关` / `rs1 到 10.0.0.0/8 的路由的下一跳`. */
export const hopFixWhatZh = (h: HostInfo, hop: ConfiguredHop): string =>
  hop.destination === undefined ? ` ${h.host.name} 的网关` : ` ${h.host.name} 到 ${hop.destination} 的路由的下一跳`;

/** A gateway (or a route's next hop) must be inside the subnet of one of the host's interfaces. */
export const gatewayNotOnLink: Rule = {
  id: 'addr/gateway-not-on-link',
  severity: 'error',
  title: 'Gateway not in the subnet of any interface',
  titleZh: '网关不在任何接口的子网内',
  description:
    'A host reaches its gateway with ARP on one of its own segments, so the gateway must be inside the subnet of one of its interfaces. ' +
    'Otherwise the kernel refuses the route ("Nexthop has invalid gateway") and the host can only talk to its own segments.',
  example: {
    bad: 'rs1 (192.168.111.101/24) has the gateway 192.168.1.1.',
    fix: "Set rs1's gateway to the router or director on 192.168.111.0/24, e.g. 192.168.111.200.",
  },
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
              ? `${h.host.name} has the ${hopWhat(hop)}, but no interface with an address on a segment, so it cannot reach any gateway.`
              : `${h.host.name}'s ${hopWhat(hop)} is not in the subnet of any of its interfaces (${subnets.join(', ')}), so ${h.host.name} cannot reach it.`,
          zh: {
            message:
              subnets.length === 0
                ? `${h.host.name} 配置了${hopWhatZh(hop)}，但没有任何接口在网段上有地址，因此无法到达任何网关。`
                : `${h.host.name} 的${hopWhatZh(hop)} 不在它任何接口的子网内（${subnets.join('、')}），所以 ${h.host.name} 无法到达它。`,
            fix: suggestion
              ? `把${hopFixWhatZh(h, hop)}设为 ${suggestion}（它所在网段上一台转发数据包的主机）。`
              : `把${hopFixWhatZh(h, hop)}设为 ${h.host.name} 所在某个网段上的路由器或调度器的地址。`,
          },
          fix: suggestion
            ? `Set ${hopFixWhat(h, hop)} to ${suggestion} (a forwarding host on its segment).`
            : `Set ${hopFixWhat(h, hop)} to the address of a router or director on one of ${h.host.name}'s segments.`,
          refs: [h.host.id],
        });
      }
    }
    return out;
  },
};
