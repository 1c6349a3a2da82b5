/** The step list folds a run of TCP data segments and ACKs into one row that opens on request. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDesignFile } from '../../../shared/model/file.ts';
import { simulate } from '../../../shared/simulator/index.ts';
import { eventLabel, stepRows, visibleSteps } from '../../../renderer/classroom/derive.ts';
import { hostId, serviceId } from '../../../shared/model/ids.ts';

function natTrace() {
  const r = parseDesignFile(readFileSync('examples/nat-lab.lvs.json', 'utf8'));
  if (!r.ok) throw new Error(r.error.message);
  return simulate(r.value.topology, { client: hostId('client'), service: serviceId('web') }, { seed: 1 });
}

describe('stepRows', () => {
  it('folds the 8 data segments and 4 ACKs of the NAT lab into one row, numbered like the steps', () => {
    const t = natTrace();
    const visible = visibleSteps(t, true);
    const rows = stepRows(t, visible, new Set());
    const groups = rows.filter((r) => r.kind === 'group');
    expect(groups).toHaveLength(1);
    const g = groups[0]!;
    expect(g).toMatchObject({ data: 8, acks: 4, bytes: 10240 });
    expect(g.members).toHaveLength(12);
    expect(rows).toHaveLength(visible.length - 11);
    // The row after the group is numbered after the group's last step.
    const after = rows[rows.indexOf(g) + 1]!;
    expect(after.shown).toBe(g.shown + 12);
    expect(after.kind === 'step' && t.steps[after.index]!.tcp?.kind).toBe('fin');
  });

  it('an open group shows every segment', () => {
    const t = natTrace();
    const visible = visibleSteps(t, false);
    const key = (stepRows(t, visible, new Set()).find((r) => r.kind === 'group') as { key: number }).key;
    const rows = stepRows(t, visible, new Set([key]));
    expect(rows.every((r) => r.kind === 'step')).toBe(true);
    expect(rows).toHaveLength(visible.length);
  });

  it('labels TCP steps by their flags and IPVS state steps by the new state, in both languages', () => {
    const t = natTrace();
    const syn = t.steps.find((s) => s.kind === 'segment')!;
    expect(eventLabel(syn, 'en')).toBe('TCP SYN');
    const st = t.steps.find((s) => s.kind === 'conn-state')!;
    expect(eventLabel(st, 'zh')).toBe('IPVS → SYN_RECV');
  });
});
