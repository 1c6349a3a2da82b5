import type { Finding, Rule } from '../../rule.ts';
import { groupLabel, groupLabelZh, groupsOf, memberName } from '../../ha.ts';

/** keepalived only honours nopreempt when the instance starts in state BACKUP. */
export const nopreemptState: Rule = {
  id: 'ha/nopreempt-state',
  severity: 'error',
  title: 'nopreempt with a member in state MASTER',
  titleZh: '设置了 nopreempt，但有成员的初始状态是 MASTER',
  description:
    'nopreempt keeps a returning higher-priority director from taking the VIP back (and breaking connections a second time). keepalived ignores it on an instance configured with state MASTER ("nopreempt will not work with initial state MASTER"): that member still preempts as soon as it returns.',
  example: { bad: 'VI_1 has nopreempt; lvs1 has state MASTER.', fix: 'Set state BACKUP on lvs1 too; the priority still decides the first election.' },
  check(ctx) {
    const out: Finding[] = [];
    for (const g of groupsOf(ctx)) {
      if (!g.nopreempt) continue;
      for (const m of g.members) {
        if (m.state !== 'MASTER') continue;
        const who = memberName(ctx, m);
        out.push({
          message: `${groupLabel(g)} has nopreempt, but ${who} starts in state MASTER; keepalived ignores nopreempt there, so ${who} takes the VIP back whenever it returns and established connections break again.`,
          fix: `Set state BACKUP on ${who} (every member of a nopreempt group starts as BACKUP; the priority decides the first election).`,
          refs: [g.id, m.host],
          zh: {
            message: `${groupLabelZh(g)} 设置了 nopreempt，但 ${who} 的初始状态是 MASTER；keepalived 在这种情况下忽略 nopreempt，${who} 每次恢复都会抢回 VIP，已建立的连接再次中断。`,
            fix: `把 ${who} 的 state 改为 BACKUP（nopreempt 组的所有成员都以 BACKUP 启动，首次选举由优先级决定）。`,
          },
        });
      }
    }
    return out;
  },
};
