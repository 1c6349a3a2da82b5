import type { Finding, Rule } from '../../rule.ts';
import type { HostInfo, IfaceInfo } from '../../context.ts';
import type { Cidr } from '../../../addressing/ipv4.ts';
import { formatIPv4, prefixMask } from '../../../addressing/ipv4.ts';

/** Interfaces that carry addresses without a segment: lo, tunl0 and other tunnels or dummies. */
const isVirtual = (f: IfaceInfo): boolean => f.iface.kind !== 'ethernet';

/**
 * A subnet (not a /32) on lo or a tunnel interface that covers a real network of the host or other
 * hosts' addresses. The kernel adds a prefix route for every address that is not /32
 * (fib_add_ifaddr in net/ipv4/fib_frontend.c): on a loopback device that route is of type
 * RTN_LOCAL, so every address of the subnet becomes the host's own; on a tunnel it is a unicast
 * route through the tunnel that competes with the ethernet interface's route for the same subnet
 * (equal prefix and metric: the one added first wins, which depends on the order the addresses
 * were configured).
 */
export const wideVirtualPrefix: Rule = {
  id: 'addr/wide-virtual-prefix',
  severity: 'error',
  title: 'A subnet on lo or a tunnel swallows a real network',
  titleZh: 'lo 或隧道接口上的子网吞掉了真实网络',
  description:
    'A VIP on `lo` or `tunl0` must be a /32. With a shorter prefix the kernel adds a route for the whole subnet: on `lo` every address of that subnet becomes local to the host ' +
    '(packets for its neighbours, its gateway or a real server are delivered to itself), and on `tunl0` the subnet is routed into the tunnel, beside the route of the ethernet interface that really reaches it. ' +
    'Replies and forwarded packets for those addresses never leave the host, or leave by the wrong interface.',
  example: { bad: 'The router has 10.20.0.11/24 on lo while its eth1 is on 10.20.0.0/24.', fix: 'Use 10.20.0.11/32 on lo.' },
  check(ctx) {
    const out: Finding[] = [];
    for (const h of ctx.hosts) {
      for (const f of h.ifaces) {
        if (!isVirtual(f)) continue;
        for (const a of f.addresses) {
          const c = a.cidr;
          if (!c || c.prefix >= 32) continue;
          const mask = prefixMask(c.prefix);
          const network = (c.value & mask) >>> 0;
          const subnet = `${formatIPv4(network)}/${c.prefix}`;
          const inside = (x: number) => (x & mask) >>> 0 === network;
          // the host's own networks (a segment interface whose subnet overlaps this one)
          const shadowed = h.ifaces.filter((g) => !isVirtual(g) && g.addresses.some((b) => b.cidr && b.cidr.prefix < 32 && overlap(b.cidr, c)));
          // other hosts' addresses inside the subnet (the ones this host can no longer reach)
          const others = othersInside(ctx.hosts, h, inside);
          const lo = f.iface.kind === 'loopback';
          const fixed = `${formatIPv4(c.value)}/32`;
          if (shadowed.length === 0 && others.length === 0) {
            // Nothing is cut off today; any host later given an address in the subnet would be.
            out.push({
              severity: 'warning',
              message: `${h.host.name} has ${a.text} on ${f.iface.name}: with a /${c.prefix} ${lo ? `every address of ${subnet} is local to ${h.host.name}` : `${subnet} is routed into ${f.iface.name}`}. No host of the design is in ${subnet} today, but any host given an address there cannot be reached from ${h.host.name}.`,
              fix: `Use ${fixed} on ${h.host.name}'s ${f.iface.name} (a VIP on ${f.iface.name} is a single address).`,
              refs: [h.host.id, f.iface.id],
              zh: {
                message: `${h.host.name} 在 ${f.iface.name} 上配置了 ${a.text}：前缀 /${c.prefix} 使${lo ? `${subnet} 中的每个地址都成了 ${h.host.name} 的本机地址` : `${subnet} 被路由进 ${f.iface.name}`}。目前设计中没有主机在 ${subnet} 内，但以后放进这个网段的主机，${h.host.name} 都到不了。`,
                fix: `在 ${h.host.name} 的 ${f.iface.name} 上改用 ${fixed}（${f.iface.name} 上的 VIP 只是一个地址）。`,
              },
            });
            continue;
          }
          const what = lo ? `every address of ${subnet} is local to ${h.host.name}` : `${subnet} is routed into ${f.iface.name}`;
          const whatZh = lo ? `${subnet} 中的每个地址都成了 ${h.host.name} 的本机地址` : `${subnet} 被路由进 ${f.iface.name}`;
          const victims = [...shadowed.map((g) => `its ${g.iface.name} network`), ...others.slice(0, 3).map((o) => `${o.name} (${formatIPv4(o.address)})`)];
          const victimsZh = [...shadowed.map((g) => `它的 ${g.iface.name} 网络`), ...others.slice(0, 3).map((o) => `${o.name}（${formatIPv4(o.address)}）`)];
          const more = others.length > 3 ? ` and ${others.length - 3} more` : '';
          const moreZh = others.length > 3 ? ` 等另外 ${others.length - 3} 个` : '';
          out.push({
            message: `${h.host.name} has ${a.text} on ${f.iface.name}: with a /${c.prefix} ${what}, so packets for ${victims.join(', ')}${more} ${lo ? 'are delivered to itself' : 'may leave through the tunnel'} instead of reaching them.`,
            fix: `Use ${fixed} on ${h.host.name}'s ${f.iface.name} (a VIP on ${f.iface.name} is a single address).`,
            refs: [h.host.id, f.iface.id, ...shadowed.map((g) => g.iface.id)],
            zh: {
              message: `${h.host.name} 在 ${f.iface.name} 上配置了 ${a.text}：前缀 /${c.prefix} 使${whatZh}，发往${victimsZh.join('、')}${moreZh}的数据包${lo ? '被交给了本机' : '可能从隧道发出'}，到不了目的地。`,
              fix: `在 ${h.host.name} 的 ${f.iface.name} 上改用 ${fixed}（${f.iface.name} 上的 VIP 只是一个地址）。`,
            },
          });
        }
      }
    }
    return out;
  },
};

/** Whether two subnets share addresses (one contains the other). */
function overlap(a: Cidr, b: Cidr): boolean {
  const m = prefixMask(Math.min(a.prefix, b.prefix));
  return (a.value & m) >>> 0 === (b.value & m) >>> 0;
}

/** Addresses of other hosts (on their segment interfaces) inside the subnet, with the host's name. */
function othersInside(hosts: readonly HostInfo[], self: HostInfo, inside: (x: number) => boolean): { name: string; address: number }[] {
  const found: { name: string; address: number }[] = [];
  for (const o of hosts) {
    if (o === self) continue;
    for (const g of o.ifaces) {
      if (isVirtual(g)) continue;
      for (const b of g.addresses) if (b.cidr && inside(b.cidr.value)) found.push({ name: o.host.name, address: b.cidr.value });
    }
  }
  return found;
}
