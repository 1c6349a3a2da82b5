import type { Finding, Rule } from '../../rule.ts';
import { directorRef, directorRefZh, serviceLabel } from '../../describe.ts';
import { arpSettings, arpSuppressed, eachServerPair, vipAskerOn, vipCarriers } from '../../paths.ts';

/** A TUN real server on a segment where the VIP is ARPed for must not answer. */
export const tunArp: Rule = {
  id: 'tun/arp-exposure',
  severity: 'error',
  title: 'TUN real server answers ARP for the VIP',
  titleZh: 'TUN 真实服务器应答 VIP 的 ARP',
  description:
    'A TUN real server holds the VIP on `tunl0`, but with the default `arp_ignore=0` Linux answers ARP requests for any local address on any interface. ' +
    "If the real server sits on a segment where the VIP is on-link — where the director, a router or a client ARPs for it — it may answer and pull the VIP's traffic away from the director. " +
    'Real servers in a remote network are safe; real servers next to the director need `arp_ignore=1` and `arp_announce=2` like DR real servers.',
  example: {
    bad: "rs1 (TUN) is on the director's front segment 172.18.0.0/24 with arp_ignore=0, and the VIP is 172.18.0.100.",
    fix: 'Set net.ipv4.conf.all.arp_ignore=1 and arp_announce=2 on rs1.',
  },
  check(ctx) {
    const out: Finding[] = [];
    const done = new Set<string>();
    eachServerPair(ctx, 'tun', (r, h, d) => {
      const vip = r.service.vip;
      if (h === d || vip === null || done.has(h.host.id)) return;
      const carriers = vipCarriers(r);
      if (carriers.length === 0 || carriers.some((f) => f.iface.kind === 'ethernet')) return; // tun/vip-missing-on-tunnel speaks.
      for (const s of h.segments) {
        const f = ctx.ifacesOn(h, s).find((g) => !arpSuppressed(h, g));
        if (!f) continue;
        const asker = vipAskerOn(s, vip);
        if (!asker) continue;
        done.add(h.host.id);
        out.push({
          message: `${h.host.name} (a TUN real server of ${serviceLabel(r.service)}) has the VIP ${r.service.service.vip} on ${carriers[0]!.iface.name} and ${arpSettings(h, f)} on ${f.iface.name}, on segment ${s.segment.name} where ${asker.host.host.name} ARPs for the VIP: ${h.host.name} answers, and traffic for the VIP can go to it instead of ${directorRef(d)}.`,
          zh: {
            message: `${h.host.name}（${serviceLabel(r.service)} 的 TUN 真实服务器）在 ${carriers[0]!.iface.name} 上配置了 VIP ${r.service.service.vip}，而 ${f.iface.name} 上是 ${arpSettings(h, f)}；在网段 ${s.segment.name} 上 ${asker.host.host.name} 会 ARP 询问 VIP：${h.host.name} 会应答，发往 VIP 的流量就可能到它这里，而不是${directorRefZh(d)}。`,
            fix: `在 ${h.host.name} 上设置 net.ipv4.conf.all.arp_ignore=1 和 net.ipv4.conf.all.arp_announce=2（或在 ${f.iface.name} 上设置）。`,
          },
          fix: `On ${h.host.name} set net.ipv4.conf.all.arp_ignore=1 and net.ipv4.conf.all.arp_announce=2 (or on ${f.iface.name}).`,
          refs: [h.host.id, f.iface.id, s.segment.id, r.rs.id],
        });
        return;
      }
    });
    return out;
  },
};
