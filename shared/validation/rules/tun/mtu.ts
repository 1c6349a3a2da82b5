import type { Finding, Rule } from '../../rule.ts';
import type { HostInfo, IfaceInfo } from '../../context.ts';
import { DEFAULT_MTU } from '../../context.ts';
import { serviceLabel } from '../../describe.ts';

/** IPIP header size in bytes. */
export const IPIP_OVERHEAD = 20;

const linkMtu = (f: IfaceInfo): number => Math.min(f.iface.mtu ?? DEFAULT_MTU, f.segment?.mtu ?? DEFAULT_MTU);

/** Smallest MTU of a host's ethernet interfaces on segments (the real server's own links). */
function ownMtu(h: HostInfo): number {
  let m = Infinity;
  for (const f of h.ifaces) if (f.iface.kind === 'ethernet' && f.segment) m = Math.min(m, linkMtu(f));
  return m === Infinity ? DEFAULT_MTU : m;
}

/** Encapsulation makes full-size packets too big. */
export const tunMtu: Rule = {
  id: 'tun/mtu',
  severity: 'warning',
  title: 'IPIP overhead: full-size packets do not fit',
  titleZh: 'IPIP 开销：满长的数据包装不下',
  description:
    'TUN adds a 20-byte IPv4 header to every request. A client packet of the full 1500-byte MTU becomes 1520 bytes and no longer fits the director\'s link: the director answers "fragmentation needed" (ICMP) and relies on the client\'s path-MTU discovery, ' +
    'which firewalls often break (connections hang on large requests). Real servers should advertise a smaller TCP MSS — by lowering their MTU to 1480 or clamping the MSS to 1440.',
  example: {
    bad: 'A TUN service whose real servers have the default MTU 1500.',
    fix: "Set the real servers' eth0 MTU to 1480, or clamp the MSS to 1440 on them.",
  },
  check(ctx) {
    const out: Finding[] = [];
    for (const s of ctx.services) {
      const d = s.director;
      if (!d) continue;
      const tun = s.realServers.filter((r) => r.rs.method === 'tun' && r.host && r.host !== d && r.rip !== null);
      if (tun.length === 0) continue;
      // The director's outer MTU towards each real server is the link it sends the tunnel packets on.
      let outer = Infinity;
      for (const r of tun) {
        const hop = ctx.nextHop(d, r.rip!);
        const f = hop ? ctx.onLinkIface(d, hop.via ?? r.rip!) : undefined;
        outer = Math.min(outer, f ? linkMtu(f) : DEFAULT_MTU);
      }
      const inner = outer - IPIP_OVERHEAD;
      const big = tun.filter((r) => ownMtu(r.host!) > inner);
      if (big.length === 0) continue;
      const byName = new Map<string, string>();
      for (const r of big) if (!byName.has(r.host!.host.name)) byName.set(r.host!.host.name, r.rs.host);
      const names = [...byName.keys()];
      out.push({
        message:
          `Service ${serviceLabel(s)} uses TUN: each request gets a ${IPIP_OVERHEAD}-byte IPIP header, so a ${outer}-byte packet from a client becomes ${outer + IPIP_OVERHEAD} bytes and does not fit ${d.host.name}'s ${outer}-byte link. ` +
          `The real servers (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', ...' : ''}) advertise a TCP MSS based on their ${ownMtu(big[0]!.host!)}-byte MTU, so large requests depend on ICMP "fragmentation needed", which firewalls often block.`,
        zh: {
          message:
            `服务 ${serviceLabel(s)} 使用 TUN：每个请求多一个 ${IPIP_OVERHEAD} 字节的 IPIP 头，客户端发来的 ${outer} 字节数据包变成 ${outer + IPIP_OVERHEAD} 字节，装不进 ${d.host.name} 的 ${outer} 字节链路。` +
            `真实服务器（${names.slice(0, 5).join('、')}${names.length > 5 ? ' 等' : ''}）按它们 ${ownMtu(big[0]!.host!)} 字节的 MTU 通告 TCP MSS，所以大的请求要靠 ICMP “需要分片”（fragmentation needed）报文，而防火墙常常拦截它。`,
          fix: `把真实服务器接口的 MTU 设为 ${inner}（或者用 iptables -t mangle -A OUTPUT -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss ${inner - 40} 把 TCP MSS 限制为 ${inner - 40}）。`,
        },
        fix: `Set the MTU of the real servers' interfaces to ${inner} (or clamp the TCP MSS to ${inner - 40} with iptables -t mangle -A OUTPUT -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss ${inner - 40}).`,
        refs: [s.service.id, ...byName.values()],
      });
    }
    return out;
  },
};
