import type { Finding, Rule } from '../../rule.ts';
import { serviceLabel } from '../../describe.ts';
import { eachServerPair, vipCarriers } from '../../paths.ts';

/** A NAT real server set up like a DR one: the VIP on a loopback interface. */
export const natVipOnLo: Rule = {
  id: 'nat/vip-on-lo',
  severity: 'info',
  title: 'NAT real server carries the VIP on lo (set up for DR?)',
  titleZh: 'NAT 真实服务器在 lo 上配置了 VIP（本意是 DR？）',
  description:
    "In NAT mode the director rewrites the destination of each request to the real server's RIP, so a real server never needs the VIP. A VIP on `lo` is the DR (or TUN) set-up: " +
    "usually the service was meant to be DR and the real server was added with `-m` instead of `-g` — the seed article's DR lab does exactly this. The design still works as NAT when the director forwards, so this is a hint.",
  example: {
    bad: 'rs1 has 172.17.253.100/32 on lo, arp_ignore=1, but is added to the service with -m (NAT).',
    fix: 'Switch rs1 to DR (-g), or remove the VIP from its lo if NAT is meant.',
  },
  check(ctx) {
    const out: Finding[] = [];
    eachServerPair(ctx, 'nat', (r, h, d) => {
      if (h === d) return;
      const lo = vipCarriers(r).find((f) => f.iface.kind === 'loopback');
      if (!lo) return;
      const vip = r.service.service.vip;
      const svc = serviceLabel(r.service);
      out.push({
        message: `${h.host.name} is a NAT real server of ${svc} but carries the VIP ${vip} on ${lo.iface.name}, the DR set-up. In NAT the director rewrites the destination to ${r.rs.rip}, so the VIP on ${lo.iface.name} is never used — was DR (ipvsadm -g) meant?`,
        fix: `Switch ${h.host.name}'s forwarding method in ${svc} to DR (-g), or remove ${vip} from its ${lo.iface.name} if NAT is meant.`,
        refs: [h.host.id, r.rs.id, r.service.service.id, lo.iface.id],
        zh: {
          message: `${h.host.name} 是 ${svc} 的 NAT 真实服务器，却在 ${lo.iface.name} 上配置了 VIP ${vip}，这是 DR 的配置方式。NAT 模式下调度器把目标地址改写成 ${r.rs.rip}，${lo.iface.name} 上的 VIP 根本用不到——本意是 DR（ipvsadm -g）吗？`,
          fix: `把 ${h.host.name} 在 ${svc} 中的转发方式改为 DR（-g）；如果确实要用 NAT，就从它的 ${lo.iface.name} 上删除 ${vip}。`,
        },
      });
    });
    return out;
  },
};
