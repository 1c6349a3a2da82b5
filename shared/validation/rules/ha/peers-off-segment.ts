import type { Finding, Rule } from '../../rule.ts';
import { groupLabel, groupLabelZh, groupsOf, memberIface, memberName } from '../../ha.ts';
import { parseIPv4Fast } from '../../context.ts';
import { prefixMask } from '../../../addressing/ipv4.ts';

/** VRRP members must share the segment their VRRP interface (and the VIP) is on. */
export const peersOffSegment: Rule = {
  id: 'ha/peers-off-segment',
  severity: 'error',
  title: "Members' VRRP interfaces, or unicast peers, are not on one segment",
  titleZh: '成员的 VRRP 接口或单播 peer 不在同一网段',
  description:
    'Multicast adverts go to 224.0.0.18 with TTL 255 and never cross a router, so members whose VRRP interfaces sit on different segments never hear each other. With unicast the adverts can be routed, but the VIP moves with mastership: a member on another segment takes over an address its segment cannot deliver, and gratuitous ARP only reaches its own segment.',
  example: { bad: 'lvs1 advertises on eth0 (public), lvs2 on eth1 (intranet).', fix: 'Use the interfaces on the public segment on both members.' },
  check(ctx) {
    const out: Finding[] = [];
    for (const g of groupsOf(ctx)) {
      const first = g.members[0];
      const firstSeg = first ? memberIface(ctx, first)?.segment : undefined;
      if (!first || !firstSeg) continue;
      for (const m of g.members.slice(1)) {
        const f = memberIface(ctx, m);
        if (!f?.segment || f.segment === firstSeg) continue;
        out.push({
          message: `In ${groupLabel(g)}, ${memberName(ctx, first)} advertises on ${first.interface} (segment ${firstSeg.segment.name}) but ${memberName(ctx, m)} on ${m.interface} (segment ${f.segment.segment.name}); adverts do not cross, and the VIP cannot move between segments.`,
          fix: `Use ${memberName(ctx, m)}'s interface on segment ${firstSeg.segment.name} as its VRRP interface.`,
          refs: [g.id, m.host, f.iface.id],
          zh: {
            message: `在 ${groupLabelZh(g)} 中，${memberName(ctx, first)} 在 ${first.interface}（网段 ${firstSeg.segment.name}）上发送通告，而 ${memberName(ctx, m)} 在 ${m.interface}（网段 ${f.segment.segment.name}）上；通告无法互通，VIP 也不能在网段之间迁移。`,
            fix: `把 ${memberName(ctx, m)} 在网段 ${firstSeg.segment.name} 上的接口作为其 VRRP 接口。`,
          },
        });
      }
      for (const m of g.members) {
        const f = memberIface(ctx, m);
        const cidr = f?.segment?.cidr;
        if (!f || !cidr || !m.unicastPeers) continue;
        for (const p of m.unicastPeers) {
          const v = parseIPv4Fast(p);
          if (v === null || cidr.prefix === 0 || (v & prefixMask(cidr.prefix)) >>> 0 === cidr.network) continue;
          out.push({
            severity: 'warning',
            message: `${memberName(ctx, m)}'s unicast_peer ${p} in ${groupLabel(g)} is not on ${m.interface}'s segment ${f.segment!.segment.name} (${f.segment!.segment.cidr}); the adverts are routed, and a member there could take over a VIP its segment cannot deliver.`,
            fix: `Use the peer's address on segment ${f.segment!.segment.name}.`,
            refs: [g.id, m.host],
            zh: {
              message: `${memberName(ctx, m)} 在 ${groupLabelZh(g)} 中的 unicast_peer ${p} 不在 ${m.interface} 所在网段 ${f.segment!.segment.name}（${f.segment!.segment.cidr}）上；通告需要经过路由，那里的成员可能接管一个它所在网段无法送达的 VIP。`,
              fix: `改用对端在网段 ${f.segment!.segment.name} 上的地址。`,
            },
          });
        }
      }
    }
    return out;
  },
};
