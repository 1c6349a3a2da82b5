import type { Finding, Rule } from '../../rule.ts';
import { directorRef, directorRefZh, serviceLabel } from '../../describe.ts';
import { eachServerPair, vipCarriers } from '../../paths.ts';

/** A DR real server must own the VIP on a non-ARP interface. */
export const drVipOnRs: Rule = {
  id: 'dr/vip-missing-on-rs',
  severity: 'error',
  title: 'DR real server lacks the VIP on lo',
  titleZh: 'DR 真实服务器的 lo 上没有 VIP',
  description:
    'A DR request still has the VIP as destination when it reaches the real server, so the real server must own the VIP or it drops the packet. It must hold it on `lo` (or another interface that does not answer ARP) as a /32: ' +
    'on its ethernet interface it would answer ARP for the VIP and steal the traffic from the director, and with a wider prefix on `lo` the whole subnet would become local to it (addr/wide-virtual-prefix).',
  example: { bad: 'rs1 of a DR service has only 192.168.163.102/24 on eth0.', fix: "Add 172.17.253.100/32 to rs1's lo." },
  check(ctx) {
    const out: Finding[] = [];
    const done = new Set<string>();
    eachServerPair(ctx, 'dr', (r, h, d) => {
      const vip = r.service.vip;
      if (h === d || vip === null) return;
      const key = `${h.host.id}\u0000${vip}`;
      if (done.has(key)) return;
      done.add(key);
      const carriers = vipCarriers(r);
      const lo = h.ifaces.find((f) => f.iface.kind === 'loopback');
      const loName = lo?.iface.name ?? 'lo';
      const refs = [h.host.id, r.rs.id, r.service.service.id];
      const vipText = r.service.service.vip;
      if (carriers.length === 0) {
        out.push({
          message: `${h.host.name} (a DR real server of ${serviceLabel(r.service)}) does not have the VIP ${vipText}. In DR the director forwards the packet unchanged — its destination is still ${vipText} — so ${h.host.name} drops it.`,
          zh: {
            message: `${h.host.name}（${serviceLabel(r.service)} 的 DR 真实服务器）没有 VIP ${vipText}。DR 模式下调度器原样转发数据包——目的地址仍是 ${vipText}——所以 ${h.host.name} 会丢弃它。`,
            fix: `在 ${h.host.name} 的 ${loName} 上添加 ${vipText}/32。`,
          },
          fix: `Add ${vipText}/32 to ${h.host.name}'s ${loName}.`,
          refs: lo ? [...refs, lo.iface.id] : refs,
        });
        return;
      }
      const eth = carriers.find((f) => f.iface.kind === 'ethernet');
      if (eth) {
        out.push({
          message: `${h.host.name} has the VIP ${vipText} on ${eth.iface.name}, an interface that answers ARP: it competes with ${directorRef(d)} for the VIP and clients' requests may go straight to ${h.host.name}, bypassing the load balancer.`,
          zh: {
            message: `${h.host.name} 在 ${eth.iface.name} 上配置了 VIP ${vipText}，这个接口会应答 ARP：它与${directorRefZh(d)}争夺 VIP，客户端的请求可能直接发给 ${h.host.name}，绕过负载均衡器。`,
            fix: `把 ${vipText} 从 ${h.host.name} 的 ${eth.iface.name} 移到 ${loName} 上，写成 ${vipText}/32。`,
          },
          fix: `Move ${vipText} from ${h.host.name}'s ${eth.iface.name} to ${loName} as ${vipText}/32.`,
          refs: [...refs, eth.iface.id],
        });
      }
      // A VIP wider than /32 on lo is addr/wide-virtual-prefix (any host, any service).
    });
    return out;
  },
};
