import type { Finding, Rule } from '../../rule.ts';
import { ip } from '../../context.ts';
import { andList, andListZh } from '../../describe.ts';
import { suggestAddress } from '../../suggest.ts';

/** Two interfaces on one segment must not carry the same address. */
export const duplicateAddress: Rule = {
  id: 'addr/duplicate-on-segment',
  severity: 'error',
  title: 'Same address twice on one segment',
  titleZh: '同一网段上地址重复',
  description:
    "On one L2 segment an IPv4 address must belong to exactly one interface. Otherwise both hosts answer ARP for it, the neighbours' ARP caches flip between the two MACs, " +
    'and connections break at random. (A DR or TUN real server holding the VIP on `lo` or `tunl0` is not on the segment and is not a duplicate.)',
  example: { bad: 'rs1 and rs2 both have 192.168.111.101/24 on `lan`.', fix: 'Give rs2 192.168.111.102/24.' },
  check(ctx) {
    const out: Finding[] = [];
    for (const s of ctx.segments) {
      for (const [address, owners] of s.owners) {
        if (owners.length < 2) continue;
        const names = owners.map((f) => `${f.host.host.name} (${f.iface.name})`);
        const last = owners[owners.length - 1]!;
        const free = suggestAddress(s);
        out.push({
          message: `${ip(address)} is configured on ${andList(names)} on segment ${s.segment.name}; both answer ARP for it and traffic goes to either one at random.`,
          zh: {
            message: `${ip(address)} 同时配置在网段 ${s.segment.name} 上的 ${andListZh(owners.map((f) => `${f.host.host.name}（${f.iface.name}）`))}；它们都会应答该地址的 ARP，流量会随机发给其中一台。`,
            fix: free
              ? `给 ${last.host.host.name} 的 ${last.iface.name} 换一个地址，例如 ${free}。`
              : `给 ${last.host.host.name} 的 ${last.iface.name} 换一个地址。`,
          },
          fix: free
            ? `Give ${last.host.host.name}'s ${last.iface.name} another address, e.g. ${free}.`
            : `Give ${last.host.host.name}'s ${last.iface.name} another address.`,
          refs: [...owners.map((f) => f.host.host.id), ...owners.map((f) => f.iface.id), s.segment.id],
        });
      }
    }
    return out;
  },
};
