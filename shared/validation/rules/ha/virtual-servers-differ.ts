import type { Finding, Rule } from '../../rule.ts';
import { groupAddresses, groupLabel, groupLabelZh, groupsOf, memberName } from '../../ha.ts';
import { serviceLabel } from '../../describe.ts';

/** A virtual server for a group's VIP must exist on every member, i.e. belong to the group. */
export const virtualServersDiffer: Rule = {
  id: 'ha/virtual-servers-differ',
  severity: 'error',
  title: "A virtual server for an HA group's VIP exists on one member only",
  titleZh: 'HA 组 VIP 的虚拟服务只存在于一个成员上',
  description:
    'After a failover the new master holds the VIP, but IPVS only balances what is in its own table. A virtual server that only one member has stops working (connection refused or reset) as soon as the other member is master.',
  example: {
    bad: 'Service mail on 172.16.111.123:25 is owned by lvs1 only, while the VIP belongs to the pair.',
    fix: 'Make the pair the director of mail, so both members have it.',
  },
  check(ctx) {
    const out: Finding[] = [];
    for (const g of groupsOf(ctx)) {
      const vips = new Set(groupAddresses(g));
      for (const s of ctx.services) {
        if (s.group || !vips.has(s.service.vip)) continue;
        const owner = g.members.find((m) => m.host === s.service.director);
        if (!owner) continue;
        const others = g.members.filter((m) => m !== owner).map((m) => memberName(ctx, m));
        out.push({
          message: `Service ${serviceLabel(s)} uses the VIP of ${groupLabel(g)} but only ${memberName(ctx, owner)} has it; when ${others.join(', ')} is master, connections to it are refused.`,
          fix: `Set the director of ${s.service.name ?? s.service.id} to the group ${g.name}, so every member has the virtual server.`,
          refs: [s.service.id, g.id, owner.host],
          zh: {
            message: `服务 ${serviceLabel(s)} 使用 ${groupLabelZh(g)} 的 VIP，但只有 ${memberName(ctx, owner)} 配置了它；当 ${others.join('、')} 成为 MASTER 时，到它的连接会被拒绝。`,
            fix: `把 ${s.service.name ?? s.service.id} 的 director 设为组 ${g.name}，让每个成员都有这个虚拟服务。`,
          },
        });
      }
    }
    return out;
  },
};
