import type { Finding, Rule } from '../../rule.ts';
import { directorRef, directorRefZh, serviceLabel } from '../../describe.ts';
import { eachServerPair } from '../../paths.ts';

/** DR needs the director and the real server on one L2 segment. */
export const drSameSegment: Rule = {
  id: 'dr/same-segment',
  severity: 'error',
  title: 'DR director and real server not on one L2 segment',
  titleZh: 'DR 调度器与真实服务器不在同一二层网段',
  description:
    "In DR mode the director leaves the IP header alone and only replaces the destination MAC with the real server's MAC. A MAC address only means something on one L2 segment, " +
    'so the real server must be plugged into a segment the director is on, with its RIP on-link for the director. A router in between would see a packet for the VIP and send it straight back.',
  example: {
    bad: 'rs1 of a DR service is on `dc2`; the director is only on `front`.',
    fix: 'Plug the director into `dc2` (or rs1 into `front`), or use TUN for remote real servers.',
  },
  check(ctx) {
    const out: Finding[] = [];
    eachServerPair(ctx, 'dr', (r, h, d) => {
      if (h === d) return;
      const shared = ctx.sharedSegments(h, d);
      if (shared.length === 0) {
        out.push({
          message: `${h.host.name}, a DR real server of ${serviceLabel(r.service)}, is not on any segment of ${directorRef(d)}; DR only rewrites the destination MAC, which cannot cross a router.`,
          zh: {
            message: `${h.host.name} 是 ${serviceLabel(r.service)} 的 DR 真实服务器，但不在${directorRefZh(d)}的任何网段上；DR 只改写目的 MAC，而 MAC 无法跨越路由器。`,
            fix: `把 ${d.host.name} 和 ${h.host.name} 接到同一个网段，或者对路由器后面的真实服务器改用 TUN（-i）。`,
          },
          fix: `Plug ${d.host.name} and ${h.host.name} into one segment, or use TUN (-i) for real servers behind a router.`,
          refs: [h.host.id, d.host.id, r.rs.id],
        });
        return;
      }
      if (r.rip !== null && !ctx.onLinkIface(d, r.rip)) {
        out.push({
          severity: 'warning',
          message: `${h.host.name} shares segment ${shared[0]!.segment.name} with ${directorRef(d)}, but its RIP ${r.rs.rip} is not in ${d.host.name}'s subnet there, so ${d.host.name} has no on-link route to it and cannot resolve its MAC.`,
          zh: {
            message: `${h.host.name} 与${directorRefZh(d)}共享网段 ${shared[0]!.segment.name}，但它的 RIP ${r.rs.rip} 不在 ${d.host.name} 在该网段的子网内，所以 ${d.host.name} 没有到它的直连路由，也无法解析它的 MAC。`,
            fix: `给 ${h.host.name} 一个 ${shared[0]!.segment.name} 子网内的 RIP，或者给 ${d.host.name} 添加一个该子网的地址。`,
          },
          fix: `Give ${h.host.name} a RIP in the subnet of ${shared[0]!.segment.name}, or add an address of that subnet to ${d.host.name}.`,
          refs: [h.host.id, d.host.id, r.rs.id],
        });
      }
    });
    return out;
  },
};
