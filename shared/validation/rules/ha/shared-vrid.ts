import type { Finding, Rule } from '../../rule.ts';
import { groupLabel, groupLabelZh, groupsOf, memberIface } from '../../ha.ts';
import type { CheckContext } from '../../context.ts';
import type { DirectorGroup } from '../../../model/types.ts';

const segmentsOf = (ctx: CheckContext, g: DirectorGroup): Map<string, string> => {
  const out = new Map<string, string>();
  for (const m of g.members) {
    const seg = memberIface(ctx, m)?.segment;
    if (seg) out.set(seg.segment.id, seg.segment.name);
  }
  return out;
};

/** Two VRRP instances on one segment need different virtual_router_ids. */
export const sharedVrid: Rule = {
  id: 'ha/shared-vrid',
  severity: 'error',
  title: 'Two HA groups use the same virtual_router_id on one segment',
  titleZh: '两个 HA 组在同一网段使用相同的 virtual_router_id',
  description:
    "The vrid names the virtual router on the wire (and its virtual MAC 00:00:5e:00:01:vrid). Two groups with the same vrid on one segment receive each other's adverts: one pair's master silences the other pair, or keepalived drops them as address mismatches and logs errors forever. Each group on a segment needs its own vrid (and with unicast peers it is still the id keepalived matches on).",
  example: { bad: 'Groups VI_WEB and VI_DB both use virtual_router_id 51 on the public segment.', fix: 'Give VI_DB virtual_router_id 52.' },
  check(ctx) {
    const out: Finding[] = [];
    const groups = groupsOf(ctx);
    for (let i = 0; i < groups.length; i++) {
      const a = groups[i]!;
      const segA = segmentsOf(ctx, a);
      for (let j = i + 1; j < groups.length; j++) {
        const b = groups[j]!;
        if (a.vrid !== b.vrid) continue;
        const shared = [...segmentsOf(ctx, b).keys()].filter((s) => segA.has(s));
        if (shared.length === 0) continue;
        const seg = segA.get(shared[0]!)!;
        const used = new Set(groups.map((g) => g.vrid));
        let free = 1;
        while (used.has(free) && free < 255) free++;
        out.push({
          message: `${groupLabel(a)} and ${groupLabel(b)} both use virtual_router_id ${a.vrid} on segment ${seg}; each pair hears the other's adverts, so one master silences the other pair or both log mismatches and split.`,
          fix: `Give ${b.name} an unused virtual_router_id, e.g. ${free}.`,
          refs: [b.id, a.id, shared[0]!],
          zh: {
            message: `${groupLabelZh(a)} 和 ${groupLabelZh(b)} 在网段 ${seg} 上使用同一个 virtual_router_id ${a.vrid}；两组互相收到对方的通告，一组的 MASTER 会压制另一组，或双方不断报错并脑裂。`,
            fix: `给 ${b.name} 换一个未使用的 virtual_router_id，例如 ${free}。`,
          },
        });
      }
    }
    return out;
  },
};
