import type { Finding, Rule } from '../../rule.ts';
import { ip } from '../../context.ts';
import { directorRef, directorRefZh, serviceLabel } from '../../describe.ts';

/** The director must own the VIP exactly once. */
export const vipNotOnDirector: Rule = {
  id: 'service/vip-not-on-director',
  severity: 'error',
  title: 'VIP not configured on the director (or configured twice)',
  titleZh: '调度器上没有配置 VIP（或配置了两次）',
  description:
    "IPVS hooks into the director's LOCAL_IN path: it only sees packets addressed to the director itself. If the VIP is not one of the director's addresses, " +
    'requests to it are routed elsewhere or dropped and never balanced. The VIP belongs on the interface facing the clients, so the director answers ARP for it; ' +
    'on two interfaces, or only on `lo`, the director answers ARP in the wrong places or not at all (warning).',
  example: {
    bad: "Service web has VIP 172.16.111.123, but the director's eth0 only has 172.16.111.12/24.",
    fix: "Add 172.16.111.123/24 to the director's eth0.",
  },
  check(ctx) {
    const out: Finding[] = [];
    for (const s of ctx.services) {
      const d = s.director;
      if (!d || s.vip === null) continue;
      const vip = s.vip;
      const carriers = d.ifaces.filter((f) => f.addresses.some((a) => a.cidr?.value === vip));
      if (carriers.length === 0) {
        const facing = ctx.onLinkIface(d, vip);
        const prefix = facing?.addresses.find((a) => a.cidr && a.cidr.prefix > 0)?.cidr?.prefix;
        out.push({
          message: `${directorRef(d, true)} does not have the VIP ${ip(vip)} of service ${serviceLabel(s)} on any interface. IPVS only sees packets addressed to the director itself, so requests to ${ip(vip)} are never balanced.`,
          zh: {
            message: `${directorRefZh(d)} 的任何接口上都没有服务 ${serviceLabel(s)} 的 VIP ${ip(vip)}。IPVS 只看得到发给调度器本机的数据包，所以发往 ${ip(vip)} 的请求永远不会被调度。`,
            fix: facing
              ? `在 ${d.host.name} 面向客户端网段的接口 ${facing.iface.name} 上添加 ${ip(vip)}/${prefix ?? 32}。`
              : `在 ${d.host.name} 面向客户端的接口上添加 ${ip(vip)}（使用该网段的前缀）。`,
          },
          fix: facing
            ? `Add ${ip(vip)}/${prefix ?? 32} to ${d.host.name}'s ${facing.iface.name}, the interface on the clients' segment.`
            : `Add ${ip(vip)} to the interface of ${d.host.name} that faces the clients (with that segment's prefix).`,
          refs: [s.service.id, d.host.id],
        });
        continue;
      }
      const ethernet = carriers.filter((f) => f.iface.kind === 'ethernet');
      if (ethernet.length > 1) {
        out.push({
          severity: 'warning',
          message: `${directorRef(d, true)} has the VIP ${ip(vip)} of ${serviceLabel(s)} on ${ethernet.map((f) => f.iface.name).join(' and ')}; it answers ARP for it on several segments, so clients and real servers may send VIP traffic to the wrong side.`,
          zh: {
            message: `${directorRefZh(d)} 在 ${ethernet.map((f) => f.iface.name).join(' 和 ')} 上都配置了 ${serviceLabel(s)} 的 VIP ${ip(vip)}；它在多个网段上应答该地址的 ARP，客户端和真实服务器可能把 VIP 流量发到错误的一侧。`,
            fix: `只在面向客户端的接口上保留 ${ip(vip)}，并从 ${ethernet
              .slice(1)
              .map((f) => f.iface.name)
              .join('、')} 上删除它。`,
          },
          fix: `Keep ${ip(vip)} only on the interface that faces the clients and remove it from ${ethernet
            .slice(1)
            .map((f) => f.iface.name)
            .join(', ')}.`,
          refs: [s.service.id, d.host.id, ...ethernet.map((f) => f.iface.id)],
        });
      } else if (ethernet.length === 0) {
        const facing = ctx.onLinkIface(d, vip);
        if (facing) {
          out.push({
            severity: 'warning',
            message: `${directorRef(d, true)} has the VIP ${ip(vip)} of ${serviceLabel(s)} only on ${carriers[0]!.iface.name}, not on ${facing.iface.name} where clients ARP for it; nobody answers their ARP requests, so requests never arrive.`,
            zh: {
              message: `${directorRefZh(d)} 只在 ${carriers[0]!.iface.name} 上配置了 ${serviceLabel(s)} 的 VIP ${ip(vip)}，而客户端在 ${facing.iface.name} 上 ARP 询问它；没人应答它们的 ARP 请求，请求永远到不了。`,
              fix: `把 ${ip(vip)} 移到 ${d.host.name} 的 ${facing.iface.name} 上。`,
            },
            fix: `Move ${ip(vip)} to ${d.host.name}'s ${facing.iface.name}.`,
            refs: [s.service.id, d.host.id, facing.iface.id],
          });
        }
      }
    }
    return out;
  },
};
