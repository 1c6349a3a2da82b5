import type { Finding, Rule } from '../../rule.ts';
import { directorRef, directorRefZh } from '../../describe.ts';
import { arpSettings, arpSuppressed, eachServerPair, vipAskerOn, vipCarriers } from '../../paths.ts';

/** A client next to a DR real server that answers ARP for the VIP gets the wrong MAC. */
export const drClientArp: Rule = {
  id: 'dr/client-arp-exposure',
  severity: 'error',
  title: "Client on a DR real server's segment without ARP handling",
  titleZh: '客户端与 DR 真实服务器同网段且未处理 ARP',
  description:
    'A client (or router) whose subnet contains the VIP sends an ARP request for it on its own segment. If a DR real server on that segment — away from the director — answers ARP for all its addresses (`arp_ignore=0`), ' +
    "the client learns the real server's MAC for the VIP and talks to it directly: no balancing, and the director never sees the connection.",
  example: {
    bad: 'A client on `lab` (where rs1 also has eth1) has the VIP on-link, and rs1 has arp_ignore=0.',
    fix: 'Set arp_ignore=1 and arp_announce=2 on rs1 (all or eth1).',
  },
  check(ctx) {
    const out: Finding[] = [];
    const done = new Set<string>();
    eachServerPair(ctx, 'dr', (r, h, d) => {
      const vip = r.service.vip;
      if (h === d || vip === null) return;
      const carriers = vipCarriers(r);
      if (carriers.length === 0 || carriers.some((f) => f.iface.kind === 'ethernet')) return;
      for (const s of h.segments) {
        if (d.segments.includes(s)) continue; // dr/arp-not-configured covers the director's segments.
        const key = `${h.host.id}\u0000${s.segment.id}\u0000${vip}`;
        if (done.has(key)) continue;
        done.add(key);
        const f = ctx.ifacesOn(h, s).find((g) => !arpSuppressed(h, g));
        if (!f) continue;
        // Only a host whose interface on this segment has the VIP in its subnet ARPs for it here.
        const exposed = vipAskerOn(s, vip);
        if (!exposed) continue;
        out.push({
          message: `${exposed.host.host.name} is on segment ${s.segment.name} with ${h.host.name} and has the VIP ${r.service.service.vip} on-link, so it ARPs for it there; ${h.host.name} (${arpSettings(h, f)} on ${f.iface.name}) answers, and ${exposed.host.host.name}'s requests go straight to ${h.host.name} instead of ${directorRef(d)}.`,
          zh: {
            message: `${exposed.host.host.name} 与 ${h.host.name} 同在网段 ${s.segment.name} 上，并且认为 VIP ${r.service.service.vip} 是直连地址，所以会在那里 ARP 询问它；${h.host.name}（${f.iface.name} 上是 ${arpSettings(h, f)}）会应答，于是 ${exposed.host.host.name} 的请求直接发给了 ${h.host.name}，而不是${directorRefZh(d)}。`,
            fix: `在 ${h.host.name} 上设置 net.ipv4.conf.all.arp_ignore=1 和 net.ipv4.conf.all.arp_announce=2（或在 ${f.iface.name} 上设置）。`,
          },
          fix: `On ${h.host.name} set net.ipv4.conf.all.arp_ignore=1 and net.ipv4.conf.all.arp_announce=2 (or on ${f.iface.name}).`,
          refs: [h.host.id, exposed.host.host.id, s.segment.id, f.iface.id],
        });
      }
    });
    return out;
  },
};
