/** Data the HA tab and the card marks derive from the design (pure, no store). */
import type { Topology } from '../../shared/model/types.ts';
import { effectivePriority, steadyMaster } from '../../shared/model/ha.ts';

/** Colours of director groups, by their order in the design. */
export const GROUP_COLORS = ['#7a3ff2', '#c2410c', '#0e7490', '#a21caf'] as const;

/**
 * The marks of a host's groups, one line per group: `groupId\tname\tMASTER|BACKUP\tpriority\tcolour`
 * (a string so a store selector can compare it cheaply); '' when the host is in no group.
 */
export function groupMarks(t: Topology, hostId: string): string {
  const groups = t.directorGroups ?? [];
  const lines: string[] = [];
  groups.forEach((g, i) => {
    const member = g.members.find((m) => m.host === hostId);
    if (!member) return;
    const role = steadyMaster(t, g)?.host === hostId ? 'MASTER' : 'BACKUP';
    lines.push([g.id, g.name, role, String(effectivePriority(g, member).priority), GROUP_COLORS[i % GROUP_COLORS.length]].join('\t'));
  });
  return lines.join('\n');
}
