import type { Finding, Rule } from '../../rule.ts';
import { formatIPv4 } from '../../../addressing/ipv4.ts';

/** An interface address should carry the segment's prefix length. */
export const prefixMismatch: Rule = {
  id: 'addr/prefix-mismatch',
  severity: 'warning',
  title: "Interface prefix differs from the segment's",
  titleZh: '接口前缀与网段不一致',
  description:
    'An address inside the segment but with another prefix length (`/16` on a `/24` segment) gives the host a different idea of what is on-link than its neighbours have: ' +
    'with a longer prefix it sends some neighbours to its gateway, with a shorter one it ARPs for hosts that are really behind a router, and those packets are lost.',
  example: { bad: "rs1's eth0 has 192.168.111.101/16 on `lan` (192.168.111.0/24).", fix: 'Use 192.168.111.101/24.' },
  check(ctx) {
    const out: Finding[] = [];
    for (const s of ctx.segments) {
      if (!s.cidr) continue;
      for (const f of s.ifaces) {
        for (const a of f.addresses) {
          const c = a.cidr;
          if (!c || c.prefix === s.cidr.prefix) continue;
          const mask = s.cidr.prefix === 0 ? 0 : (0xffffffff << (32 - s.cidr.prefix)) >>> 0;
          // Outside the subnet is addr/outside-segment; a /32 extra address (a VIP) is deliberate.
          if ((c.value & mask) >>> 0 !== s.cidr.network || c.prefix === 32) continue;
          out.push({
            message: `${f.host.host.name}'s ${f.iface.name} has ${a.text}, but segment ${s.segment.name} is ${formatIPv4(s.cidr.network)}/${s.cidr.prefix}; ${f.host.host.name} and its neighbours disagree about which addresses are on-link.`,
            zh: {
              message: `${f.host.host.name} 的 ${f.iface.name} 配置了 ${a.text}，但网段 ${s.segment.name} 是 ${formatIPv4(s.cidr.network)}/${s.cidr.prefix}；${f.host.host.name} 和它的邻居对哪些地址是直连的看法不一致。`,
              fix: `在 ${f.host.host.name} 的 ${f.iface.name} 上使用 ${formatIPv4(c.value)}/${s.cidr.prefix}。`,
            },
            fix: `Use ${formatIPv4(c.value)}/${s.cidr.prefix} on ${f.host.host.name}'s ${f.iface.name}.`,
            refs: [f.host.host.id, f.iface.id, s.segment.id],
          });
        }
      }
    }
    return out;
  },
};
