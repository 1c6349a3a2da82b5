import type { Finding, Rule } from '../../rule.ts';
import type { SegmentInfo } from '../../context.ts';
import { formatIPv4 } from '../../../addressing/ipv4.ts';

const subnetText = (s: SegmentInfo): string => `${formatIPv4(s.cidr!.network)}/${s.cidr!.prefix}`;

/** Segments with overlapping subnets make routing ambiguous. */
export const overlappingSegments: Rule = {
  id: 'addr/overlapping-segments',
  severity: 'warning',
  title: 'Overlapping segment subnets',
  titleZh: '网段子网重叠',
  description:
    'Two segments whose subnets overlap cannot be told apart by routing. A host plugged into both has two on-link routes for the same addresses and sends to the wrong segment (error). ' +
    'Without such a host it still breaks as soon as a router connects them, so it is a warning.',
  example: {
    bad: '`lan` is 192.168.111.0/24 and `backend` is 192.168.0.0/16, and the director is on both.',
    fix: 'Give `backend` a disjoint subnet such as 192.168.112.0/24.',
  },
  check(ctx) {
    const list = ctx.segments.filter((s) => s.cidr !== null);
    // Subnets either nest or are disjoint, so a sweep over (network, prefix) with a stack of open ranges finds every overlap in O(n log n).
    list.sort((a, b) => a.cidr!.network - b.cidr!.network || a.cidr!.prefix - b.cidr!.prefix);
    const sharedHost = new Map<SegmentInfo, Set<string>>();
    const hostsOf = (s: SegmentInfo): Set<string> => {
      let set = sharedHost.get(s);
      if (!set) {
        set = new Set(s.ifaces.map((f) => f.host.host.id));
        sharedHost.set(s, set);
      }
      return set;
    };
    const out: Finding[] = [];
    const stack: SegmentInfo[] = [];
    for (const s of list) {
      while (stack.length > 0 && stack[stack.length - 1]!.cidr!.broadcast < s.cidr!.network) stack.pop();
      const outer = stack[stack.length - 1];
      if (outer) {
        const outerHosts = hostsOf(outer);
        const both = [...hostsOf(s)].filter((id) => outerHosts.has(id));
        const bothNames = both.map((id) => ctx.hostById.get(id)?.host.name ?? id);
        out.push({
          severity: both.length > 0 ? 'error' : 'warning',
          message:
            `Segments ${outer.segment.name} (${subnetText(outer)}) and ${s.segment.name} (${subnetText(s)}) overlap` +
            (both.length > 0
              ? `, and ${bothNames.join(', ')} ${both.length === 1 ? 'is' : 'are'} on both: ${both.length === 1 ? 'it' : 'they'} cannot know which segment an address in ${subnetText(s)} is on.`
              : '; routing between them is impossible because their addresses are ambiguous.'),
          zh: {
            message:
              `网段 ${outer.segment.name}（${subnetText(outer)}）与 ${s.segment.name}（${subnetText(s)}）重叠` +
              (both.length > 0
                ? `，而 ${bothNames.join('、')} 同时连在两个网段上：无法判断 ${subnetText(s)} 中的地址在哪个网段。`
                : '；它们之间无法路由，因为地址有歧义。'),
            fix: `给 ${s.segment.name} 一个不与 ${subnetText(outer)} 重叠的子网。`,
          },
          fix: `Give ${s.segment.name} a subnet that does not overlap ${subnetText(outer)}.`,
          refs: [s.segment.id, outer.segment.id, ...both],
        });
      }
      stack.push(s);
    }
    return out;
  },
};
