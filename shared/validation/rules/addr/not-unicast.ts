import type { Finding, Rule } from '../../rule.ts';
import { ip } from '../../context.ts';
import { serviceName } from '../../describe.ts';

/** Why `v` cannot be a host's unicast address, or null when it can. */
export function notUnicast(v: number): string | null {
  if (v === 0) return '0.0.0.0 means "any address", not a host';
  if (v >>> 24 === 127) return 'it is in the loopback range 127.0.0.0/8, which never leaves a host';
  if (v >>> 24 === 0) return 'it is in 0.0.0.0/8 ("this network"), which cannot be used as an address';
  if (v === 0xffffffff) return '255.255.255.255 is the limited broadcast address';
  if (v >>> 28 === 14) return 'it is a multicast address (224.0.0.0/4)';
  if (v >>> 28 === 15) return 'it is in the reserved range 240.0.0.0/4';
  return null;
}

/** {@link notUnicast} in Simplified Chinese (call only when `notUnicast(v)` is not null). */
export function notUnicastZh(v: number): string {
  if (v === 0) return '0.0.0.0 表示“任意地址”，不是某台主机';
  if (v >>> 24 === 127) return '它在环回地址段 127.0.0.0/8 中，永远不会离开主机';
  if (v >>> 24 === 0) return '它在 0.0.0.0/8（“本网络”）中，不能用作地址';
  if (v === 0xffffffff) return '255.255.255.255 是受限广播地址';
  if (v >>> 28 === 14) return '它是组播地址（224.0.0.0/4）';
  return '它在保留地址段 240.0.0.0/4 中';
}

/** VIPs, RIPs, gateways and segment addresses must be ordinary unicast addresses. */
export const notUnicastAddress: Rule = {
  id: 'addr/not-unicast',
  severity: 'error',
  title: 'Address that cannot belong to a host',
  titleZh: '不能属于主机的地址',
  description:
    'Some well-formed addresses can never be a host\'s address: 0.0.0.0 ("any"), 127.0.0.0/8 (loopback, never leaves the host), 224.0.0.0/4 (multicast), 240.0.0.0/4 (reserved) and 255.255.255.255 (broadcast). ' +
    'As a VIP, RIP, gateway or address on a segment they make the service or the route fail. (`127.0.0.1/8` on `lo` is of course fine.)',
  example: { bad: 'Service web has the VIP 0.0.0.0.', fix: 'Use the address clients connect to, e.g. 172.16.111.123.' },
  check(ctx) {
    const out: Finding[] = [];
    for (const h of ctx.hosts) {
      for (const f of h.ifaces) {
        if (f.iface.kind !== 'ethernet') continue;
        for (const a of f.addresses) {
          const why = a.cidr && a.cidr.prefix > 0 ? notUnicast(a.cidr.value) : null;
          if (!why) continue;
          out.push({
            message: `${h.host.name}'s ${f.iface.name} has ${a.text}, which cannot be a host address: ${why}.`,
            zh: {
              message: `${h.host.name} 的 ${f.iface.name} 配置了 ${a.text}，它不能作为主机地址：${notUnicastZh(a.cidr!.value)}。`,
              fix: `给 ${h.host.name} 的 ${f.iface.name} 一个它所在网段子网内的普通地址。`,
            },
            fix: `Give ${h.host.name}'s ${f.iface.name} an ordinary address of its segment's subnet.`,
            refs: [h.host.id, f.iface.id],
          });
        }
      }
      if (h.gateway !== null) {
        const why = notUnicast(h.gateway);
        if (why) {
          out.push({
            message: `${h.host.name}'s default gateway ${ip(h.gateway)} cannot be a router's address: ${why}.`,
            zh: {
              message: `${h.host.name} 的默认网关 ${ip(h.gateway)} 不可能是路由器的地址：${notUnicastZh(h.gateway)}。`,
              fix: `把 ${h.host.name} 的网关设为它所在网段上的路由器或调度器的地址。`,
            },
            fix: `Set ${h.host.name}'s gateway to the address of the router or director on its segment.`,
            refs: [h.host.id],
          });
        }
      }
    }
    for (const s of ctx.services) {
      const why = s.vip === null ? null : notUnicast(s.vip);
      if (why) {
        out.push({
          message: `Service ${serviceName(s)} has the VIP ${s.service.vip}, which clients cannot connect to: ${why}.`,
          zh: {
            message: `服务 ${serviceName(s)} 的 VIP ${s.service.vip} 是客户端无法连接的地址：${notUnicastZh(s.vip!)}。`,
            fix: `把 ${serviceName(s)} 的 VIP 设为客户端使用的地址，并配置在调度器面向客户端的接口上。`,
          },
          fix: `Set the VIP of ${serviceName(s)} to the address clients use, configured on the director's client-facing interface.`,
          refs: [s.service.id],
        });
      }
      for (const r of s.realServers) {
        const whyRip = r.rip === null ? null : notUnicast(r.rip);
        if (!whyRip) continue;
        const name = r.host?.host.name ?? r.rs.host;
        out.push({
          message: `Real server ${name} of ${serviceName(s)} has the RIP ${r.rs.rip}, which the director cannot send to: ${whyRip}.`,
          zh: {
            message: `${serviceName(s)} 的真实服务器 ${name} 的 RIP ${r.rs.rip} 是调度器无法发送到的地址：${notUnicastZh(r.rip!)}。`,
            fix: `把 RIP 设为 ${name} 在与调度器共享的网段上的地址。`,
          },
          fix: `Set the RIP to ${name}'s address on the segment it shares with the director.`,
          refs: [r.rs.id, r.rs.host, s.service.id],
        });
      }
    }
    return out;
  },
};
