import type { Finding, Rule } from '../../rule.ts';
import { formatIPv4 } from '../../../addressing/ipv4.ts';
import { suggestAddress } from '../../suggest.ts';

/** An interface address must lie inside the subnet of the segment the interface is plugged into. */
export const outsideSegment: Rule = {
  id: 'addr/outside-segment',
  severity: 'error',
  title: "Interface address outside its segment's subnet",
  titleZh: '接口地址不在所连网段的子网内',
  description:
    "Hosts on one L2 segment find each other with ARP only when their addresses are in the same subnet. An interface whose address lies outside the segment's subnet " +
    'cannot talk to the other hosts of that segment directly, and they cannot talk to it: its on-link route points at the wrong network. ' +
    "A /32 address is exempt: it is a routed address (for example a VIP the upstream router sends to the director's address), not an on-link one.",
  example: { bad: "rs1's eth0 is plugged into `lan` (192.168.111.0/24) but has 192.168.112.101/24.", fix: 'Give eth0 192.168.111.101/24.' },
  check(ctx) {
    const out: Finding[] = [];
    for (const s of ctx.segments) {
      if (!s.cidr) continue;
      const subnet = `${formatIPv4(s.cidr.network)}/${s.cidr.prefix}`;
      for (const f of s.ifaces) {
        for (const a of f.addresses) {
          // A /32 outside the subnet is a routed address (a VIP the upstream router sends to this host), not a mistake.
          if (!a.cidr || a.cidr.prefix === 32) continue;
          const mask = s.cidr.prefix === 0 ? 0 : (0xffffffff << (32 - s.cidr.prefix)) >>> 0;
          if ((a.cidr.value & mask) >>> 0 === s.cidr.network) continue;
          const free = suggestAddress(s);
          out.push({
            message: `${f.host.host.name}'s ${f.iface.name} has ${a.text}, which is outside segment ${s.segment.name} (${subnet}) it is plugged into, so ${f.host.host.name} cannot reach the other hosts of ${s.segment.name} directly.`,
            zh: {
              message: `${f.host.host.name} 的 ${f.iface.name} 配置了 ${a.text}，它不在所连网段 ${s.segment.name}（${subnet}）内，所以 ${f.host.host.name} 无法直接到达 ${s.segment.name} 上的其他主机。`,
              fix: free
                ? `给 ${f.host.host.name} 的 ${f.iface.name} 一个 ${subnet} 内的地址，例如 ${free}，或者把它接到 ${a.text} 所在的网段。`
                : `把 ${f.host.host.name} 的 ${f.iface.name} 接到 ${a.text} 所在的网段，或者扩大 ${s.segment.name} 的子网。`,
            },
            fix: free
              ? `Give ${f.host.host.name}'s ${f.iface.name} an address inside ${subnet}, e.g. ${free}, or plug it into the segment of ${a.text}.`
              : `Plug ${f.host.host.name}'s ${f.iface.name} into the segment of ${a.text}, or enlarge ${s.segment.name}'s subnet.`,
            refs: [f.host.host.id, f.iface.id, s.segment.id],
          });
        }
      }
    }
    return out;
  },
};
