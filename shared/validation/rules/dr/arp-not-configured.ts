import type { Finding, Rule } from '../../rule.ts';
import { directorRef, directorRefZh, serviceLabel } from '../../describe.ts';
import { arpSettings, arpSuppressed, eachServerPair, vipAskerOn, vipCarriers } from '../../paths.ts';

/** DR real servers must neither answer nor announce ARP for the VIP. */
export const drArp: Rule = {
  id: 'dr/arp-not-configured',
  severity: 'error',
  title: 'DR real server answers ARP for the VIP',
  titleZh: 'DR 真实服务器应答 VIP 的 ARP',
  description:
    'Every DR real server owns the VIP, but only the director may answer ARP for it. By default Linux answers ARP for any local address on any interface (`arp_ignore=0`) and may use the VIP as source of its own ARP requests (`arp_announce=0`). ' +
    "The real server's interface facing the director's segment needs `arp_ignore=1` (answer only for addresses on that interface) and `arp_announce=2` (always announce the interface's own address). " +
    "The kernel uses the larger of `conf.all` and `conf.<interface>`. Without this the router may learn the real server's MAC for the VIP and bypass the director. " +
    'It is an error when some host on that segment has the VIP in its subnet (it ARPs for it there), and a warning when nobody does yet.',
  example: {
    bad: 'rs1 has 172.17.253.100/32 on lo but arp_ignore=0, arp_announce=0 on eth0.',
    fix: 'Set net.ipv4.conf.all.arp_ignore=1 and net.ipv4.conf.all.arp_announce=2 on rs1.',
  },
  check(ctx) {
    const out: Finding[] = [];
    const done = new Set<string>();
    eachServerPair(ctx, 'dr', (r, h, d) => {
      if (h === d || done.has(h.host.id)) return;
      const carriers = vipCarriers(r);
      // Without the VIP (or with it on ethernet) dr/vip-missing-on-rs speaks.
      if (carriers.length === 0 || carriers.some((f) => f.iface.kind === 'ethernet')) return;
      const shared = ctx.sharedSegments(h, d);
      for (const s of shared) {
        for (const f of ctx.ifacesOn(h, s)) {
          if (arpSuppressed(h, f)) continue;
          done.add(h.host.id);
          const asker = vipAskerOn(s, r.service.vip!);
          const has = `${h.host.name} (a DR real server of ${serviceLabel(r.service)}) has the VIP ${r.service.service.vip} on ${carriers[0]!.iface.name} but ${arpSettings(h, f)} on ${f.iface.name}`;
          const hasZh = `${h.host.name}（${serviceLabel(r.service)} 的 DR 真实服务器）在 ${carriers[0]!.iface.name} 上配置了 VIP ${r.service.service.vip}，但 ${f.iface.name} 上是 ${arpSettings(h, f)}`;
          out.push({
            ...(asker ? {} : { severity: 'warning' as const }),
            message: asker
              ? `${has}: it answers ARP requests for the VIP on segment ${s.segment.name}, where ${asker.host.host.name} asks for it, so ${asker.host.host.name} may send traffic for the VIP straight to ${h.host.name}, bypassing ${directorRef(d)}.`
              : `${has}. Nobody on segment ${s.segment.name} ARPs for the VIP in this design, so it works today; but ${h.host.name} would answer as soon as a host there has the VIP's subnet (as when director, real servers and router share one LAN), and with arp_announce below 2 its own ARP requests can carry the VIP as sender.`,
            zh: {
              message: asker
                ? `${hasZh}：它在网段 ${s.segment.name} 上应答 VIP 的 ARP 请求，而 ${asker.host.host.name} 正在那里询问 VIP，于是 ${asker.host.host.name} 可能把发往 VIP 的流量直接交给 ${h.host.name}，绕过${directorRefZh(d)}。`
                : `${hasZh}。在这个设计中网段 ${s.segment.name} 上没有主机 ARP 询问 VIP，所以目前能工作；但只要那里有主机处在 VIP 的子网中（比如调度器、真实服务器和路由器共用一个局域网），${h.host.name} 就会应答；而且 arp_announce 小于 2 时，它自己发出的 ARP 请求可能以 VIP 作为发送方地址。`,
              fix: `在 ${h.host.name} 上设置 net.ipv4.conf.all.arp_ignore=1 和 net.ipv4.conf.all.arp_announce=2（或在 ${f.iface.name} 上设置同样的值）。`,
            },
            fix: `On ${h.host.name} set net.ipv4.conf.all.arp_ignore=1 and net.ipv4.conf.all.arp_announce=2 (or the same on ${f.iface.name}).`,
            refs: [h.host.id, f.iface.id, s.segment.id, r.rs.id],
          });
          return;
        }
      }
    });
    return out;
  },
};
