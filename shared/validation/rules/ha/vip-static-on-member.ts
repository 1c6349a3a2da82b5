import type { Finding, Rule } from '../../rule.ts';
import { groupLabel, groupLabelZh, groupsOf, memberName } from '../../ha.ts';

/** A VRRP-held address must not also be configured statically on a member. */
export const vipStaticOnMember: Rule = {
  id: 'ha/vip-static-on-member',
  severity: 'error',
  title: 'A VRRP address is also configured statically on a member',
  titleZh: 'VRRP 地址同时被静态配置在成员上',
  description:
    "keepalived adds the virtual_ipaddress on the master and removes it on the backups. An address also configured statically (in /etc/network/interfaces, netplan, apply.sh) stays on the backup, which keeps answering ARP for it: two directors own the VIP, clients' ARP caches flap between them and connections break at random.",
  example: {
    bad: 'lvs2 has 172.16.111.123/24 on eth0 and the pair holds the same VIP.',
    fix: "Remove 172.16.111.123 from lvs2's eth0; keepalived adds it when lvs2 is master.",
  },
  check(ctx) {
    const out: Finding[] = [];
    for (const g of groupsOf(ctx)) {
      for (const a of g.virtualAddresses) {
        const addr = a.address.split('/')[0]!;
        for (const m of g.members) {
          const host = ctx.topology.hosts.find((h) => h.id === m.host);
          const f = host?.interfaces.find((x) => x.kind !== 'loopback' && x.addresses.some((y) => y.split('/')[0] === addr));
          if (!host || !f) continue;
          const who = memberName(ctx, m);
          out.push({
            message: `${who} has ${addr} configured statically on ${f.name}, but it is a virtual address of ${groupLabel(g)}; it stays there when ${who} is backup, so two directors answer ARP for it.`,
            fix: `Remove ${addr} from ${who}'s ${f.name}; keepalived adds it when ${who} becomes master.`,
            refs: [m.host, f.id, g.id],
            zh: {
              message: `${who} 的 ${f.name} 上静态配置了 ${addr}，但它是 ${groupLabelZh(g)} 的虚拟地址；${who} 作为 BACKUP 时它仍然存在，于是两台 director 都响应它的 ARP。`,
              fix: `从 ${who} 的 ${f.name} 删除 ${addr}；${who} 成为 MASTER 时 keepalived 会添加它。`,
            },
          });
        }
      }
    }
    return out;
  },
};
