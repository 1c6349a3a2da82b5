import type { Finding, Rule } from '../../rule.ts';
import { groupLabel, groupLabelZh, groupsOf, memberName } from '../../ha.ts';
import { effectivePriority, steadyMaster } from '../../../model/ha.ts';

/**
 * Failover on a tracked failure needs the master's priority to drop *below* a backup's: the gap
 * must be smaller than the weights that can fall away.
 */
export const priorityGap: Rule = {
  id: 'ha/priority-gap',
  severity: 'error',
  title: 'Tracked failures cannot lower the master below a backup: failover never happens',
  titleZh: '被跟踪的故障无法让 MASTER 的优先级低于 BACKUP：永远不会切换',
  description:
    "A track_script or track_interface with a weight changes the member's effective priority instead of stopping it: a negative weight is subtracted while the item fails, a positive one is lost. " +
    "A backup only takes over when the master's effective priority falls strictly below its own. When the priority gap is not smaller than the sum of the weights that can drop, the master keeps the VIP with a dead service — the most reported keepalived mistake. " +
    'With nopreempt no weight ever moves the VIP (the backups accept a lower-priority master); only FAULT (weight 0) does.',
  example: {
    bad: 'lvs1 priority 150, lvs2 priority 100, chk_nginx weight −20: 150 − 20 = 130 ≥ 100.',
    fix: 'Use weight −60 (150 − 60 = 90 < 100), or priorities 110/100.',
  },
  check(ctx) {
    const out: Finding[] = [];
    for (const g of groupsOf(ctx)) {
      const master = steadyMaster(ctx.topology, g);
      if (!master) continue;
      const all = new Set((master.trackScripts ?? []).map((t) => t.name));
      // keepalived tracks the interface of every virtual address itself: one going down is a FAULT
      // whatever its weight (measured in the lab, tests/lab/grade-lab.test.ts), so it always hands over.
      const vaDevs = new Set(g.virtualAddresses.map((v) => v.dev ?? master.interface));
      const down = new Set((master.trackInterfaces ?? []).map((t) => t.name));
      const healthy = effectivePriority(g, master);
      const worst = effectivePriority(g, master, { failedScripts: all, downInterfaces: new Set([...down].filter((n) => n !== master.interface)) });
      const weighted = worst.terms.filter((t) => t.weight !== 0 && (t.what === 'script' || !vaDevs.has(t.name)));
      if (weighted.length === 0) continue;
      if (g.nopreempt) {
        const names = weighted.map((t) => t.name).join(', ');
        out.push({
          message: `${groupLabel(g)} has nopreempt, and ${memberName(ctx, master)} tracks ${names} with a weight; a nopreempt backup accepts a master of lower priority, so a failing ${names} only lowers the number and never moves the VIP.`,
          fix: `Track ${names} without a weight (weight 0: the member goes to FAULT and hands over), or drop nopreempt.`,
          refs: [g.id, master.host],
          zh: {
            message: `${groupLabelZh(g)} 设置了 nopreempt，而 ${memberName(ctx, master)} 带权重地跟踪 ${names}；nopreempt 的 BACKUP 会接受优先级更低的 MASTER，所以 ${names} 失败只会降低数值，VIP 永远不会迁移。`,
            fix: `不带权重地跟踪 ${names}（权重 0：成员进入 FAULT 并交出 VIP），或去掉 nopreempt。`,
          },
        });
        continue;
      }
      // every tracked item failed includes a virtual address's interface: FAULT, the VIP moves
      if (worst.fault) continue;
      for (const b of g.members) {
        if (b === master) continue;
        const backup = effectivePriority(g, b).priority;
        if (worst.priority < backup) continue;
        const parts = worst.terms.map((t) => {
          const change = t.applies ? t.weight : 0;
          const lost = t.weight > 0 && !t.applies ? ` (loses +${t.weight})` : '';
          return `${change >= 0 ? '+' : '−'} ${Math.abs(change)} ${t.what === 'script' ? 'track_script' : 'track_interface'} ${t.name}${lost}`;
        });
        const sum = `${healthy.base} ${parts.join(' ')} = ${worst.priority}`;
        const needed = healthy.priority - backup + 1;
        out.push({
          message: `In ${groupLabel(g)}, ${memberName(ctx, master)} stays master even with every tracked item failed: ${sum} ≥ ${backup} (${memberName(ctx, b)}). A backup only takes over from a lower priority, so failover never happens.`,
          fix: `Make the weights that can drop add up to more than the gap (e.g. one weight of −${Math.max(1, needed)}), or bring the priorities closer (gap below ${healthy.priority - worst.priority}).`,
          refs: [g.id, master.host, b.host],
          zh: {
            message: `在 ${groupLabelZh(g)} 中，即使所有被跟踪项都失败，${memberName(ctx, master)} 仍是 MASTER：${sum} ≥ ${backup}（${memberName(ctx, b)}）。BACKUP 只在对方优先级更低时接管，所以永远不会切换。`,
            fix: `让可能失去的权重之和大于优先级差（例如一个 −${Math.max(1, needed)} 的权重），或缩小优先级差（小于 ${healthy.priority - worst.priority}）。`,
          },
        });
      }
    }
    return out;
  },
};
