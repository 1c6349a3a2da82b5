import type { Finding, Rule } from '../../rule.ts';
import { groupLabel, groupLabelZh, groupsOf, memberName } from '../../ha.ts';

/** Equal priorities leave the election to the members' IP addresses. */
export const equalPriorities: Rule = {
  id: 'ha/equal-priorities',
  severity: 'warning',
  title: 'Two members of an HA group have the same priority',
  titleZh: 'HA 组的两个成员优先级相同',
  description:
    'With equal priorities VRRP picks the member with the higher IP address as master, whatever state says, and a backup never preempts a master of equal priority. Who holds the VIP then depends on start order and addresses, which surprises people during maintenance; with nopreempt and equal priorities two members that start together can both claim MASTER for a moment.',
  example: { bad: 'lvs1 and lvs2 both have priority 100.', fix: 'Give the preferred director a higher priority (e.g. 150 and 100).' },
  check(ctx) {
    const out: Finding[] = [];
    for (const g of groupsOf(ctx)) {
      const seen = new Map<number, string>();
      for (const m of g.members) {
        const other = seen.get(m.priority);
        if (other !== undefined) {
          const who = memberName(ctx, m);
          out.push({
            message: `In ${groupLabel(g)}, ${other} and ${who} both have priority ${m.priority}; the higher IP address wins the election, not the state line, and neither preempts the other.`,
            fix: `Give the director that should normally hold the VIP a higher priority than ${m.priority}.`,
            refs: [g.id, m.host],
            zh: {
              message: `在 ${groupLabelZh(g)} 中，${other} 和 ${who} 的优先级都是 ${m.priority}；选举由较大的 IP 地址决定，而不是 state 配置，且双方都不会抢占对方。`,
              fix: `给通常应持有 VIP 的 director 设置高于 ${m.priority} 的优先级。`,
            },
          });
        } else seen.set(m.priority, memberName(ctx, m));
      }
    }
    return out;
  },
};
