import type { Finding, Rule } from '../../rule.ts';
import { groupLabel, groupLabelZh, memberName } from '../../ha.ts';
import { serviceLabel } from '../../describe.ts';
import { arpSettings, arpSuppressed, vipCarriers } from '../../paths.ts';

/**
 * A DR real server must be reachable at L2 from every member, with ARP suppressed on the
 * interfaces facing each of them — not only the steady-state master.
 */
export const drBackupPath: Rule = {
  id: 'ha/dr-backup-path',
  severity: 'error',
  title: 'DR real server not set up for every member of the HA group',
  titleZh: 'DR 真实服务器没有为 HA 组的每个成员配置好',
  description:
    'In DR the director rewrites only the destination MAC, so it must share a segment with every real server; after a failover that is the new master. The real server holds the VIP on lo and must not answer ARP for it on the interface facing that member (arp_ignore=1, arp_announce=2). ' +
    'A setup checked against one director only breaks at the first failover.',
  example: { bad: 'rs1 shares the intranet with lvs1 only; lvs2 reaches it through a router.', fix: 'Plug lvs2 into the intranet too.' },
  check(ctx) {
    const out: Finding[] = [];
    const done = new Set<string>();
    for (const s of ctx.services) {
      const g = s.group;
      if (!g || s.vip === null) continue;
      for (const r of s.realServers) {
        const h = r.host;
        if (!h || r.rs.method !== 'dr') continue;
        const carriers = vipCarriers(r);
        if (carriers.length === 0 || carriers.some((f) => f.iface.kind === 'ethernet')) continue;
        for (const m of g.members) {
          const d = ctx.hostById.get(m.host);
          if (!d || d === h) continue;
          const key = `${h.host.id}|${m.host}`;
          if (done.has(key)) continue;
          done.add(key);
          const who = memberName(ctx, m);
          const shared = ctx.sharedSegments(h, d);
          if (shared.length === 0) {
            out.push({
              message: `${h.host.name} is a DR real server of ${serviceLabel(s)} but shares no segment with ${who}, a member of ${groupLabel(g)}; when ${who} is master it cannot deliver requests by MAC address, so the service stops at the first failover.`,
              fix: `Plug ${who} into a segment ${h.host.name} is on (DR needs the director and the real servers on one LAN).`,
              refs: [r.rs.id, m.host, g.id],
              zh: {
                message: `${h.host.name} 是 ${serviceLabel(s)} 的 DR 真实服务器，但与 ${groupLabelZh(g)} 的成员 ${who} 不在同一网段；${who} 成为 MASTER 时无法按 MAC 地址转发请求，第一次切换服务就会中断。`,
                fix: `把 ${who} 接入 ${h.host.name} 所在的网段（DR 要求 director 与真实服务器在同一局域网）。`,
              },
            });
            continue;
          }
          for (const seg of shared) {
            const f = ctx.ifacesOn(h, seg).find((x) => !arpSuppressed(h, x));
            if (!f) continue;
            out.push({
              message: `${h.host.name} (DR real server of ${serviceLabel(s)}) has ${arpSettings(h, f)} on ${f.iface.name}, the interface facing ${who} of ${groupLabel(g)} on segment ${seg.segment.name}; it answers ARP for the VIP there and can steal VIP traffic once ${who} is master.`,
              fix: `On ${h.host.name} set net.ipv4.conf.all.arp_ignore=1 and net.ipv4.conf.all.arp_announce=2 (covers the interfaces facing both directors).`,
              refs: [h.host.id, f.iface.id, m.host, g.id],
              zh: {
                message: `${h.host.name}（${serviceLabel(s)} 的 DR 真实服务器）在 ${f.iface.name} 上是 ${arpSettings(h, f)}，这是在网段 ${seg.segment.name} 上面向 ${groupLabelZh(g)} 成员 ${who} 的接口；它会在那里响应 VIP 的 ARP，${who} 成为 MASTER 后可能抢走 VIP 流量。`,
                fix: `在 ${h.host.name} 上设置 net.ipv4.conf.all.arp_ignore=1 和 net.ipv4.conf.all.arp_announce=2（覆盖面向两台 director 的接口）。`,
              },
            });
            break;
          }
        }
      }
    }
    return out;
  },
};
