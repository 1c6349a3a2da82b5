/** Data the HA tab and the card marks derive from the design (pure, no store). */
import type { Topology } from '../../shared/model/types.ts';
import { effectivePriority, steadyMaster } from '../../shared/model/ha.ts';
import type { TimelineStep } from '../../shared/ha/timeline.ts';
import { failoverTimeline } from '../../shared/ha/timeline.ts';
import type { HaPlayback } from './haSlice.ts';

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

let lastTimeline: { t: Topology; group: string; event: string; steps: TimelineStep[] | null } | null = null;

/**
 * The step the canvas shows (memoised on the topology object, group and event, so every card's
 * selector shares one timeline), or null when there is no playback or the group has no timeline.
 */
export function playbackStep(t: Topology, p: HaPlayback | null): { step: TimelineStep; index: number; count: number } | null {
  if (!p) return null;
  if (!lastTimeline || lastTimeline.t !== t || lastTimeline.group !== p.group || lastTimeline.event !== p.event)
    lastTimeline = { t, group: p.group, event: p.event, steps: failoverTimeline(t, p.group, p.event) };
  const steps = lastTimeline.steps;
  if (!steps || steps.length === 0) return null;
  const index = Math.max(0, Math.min(p.step, steps.length - 1));
  return { step: steps[index]!, index, count: steps.length };
}

/** The role `hostId` has at the shown step ('' when no playback concerns it): `groupId\trole`. */
export function playbackRole(t: Topology, p: HaPlayback | null, hostId: string): string {
  const shown = playbackStep(t, p);
  const role = shown?.step.roles[hostId as keyof typeof shown.step.roles];
  return shown && role ? `${p!.group}\t${role}` : '';
}
