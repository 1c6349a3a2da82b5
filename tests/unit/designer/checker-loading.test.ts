// The checker loads after the first paint: until then every design diagnoses as pending (nothing
// known, not "no problems"), and the canvas selectors look again once it is there.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { AppState } from '../../../renderer/store/index.ts';
import { diagnose, loadChecker, quickFixFor } from '../../../renderer/store/diagnostics.ts';
import { makeNodesSelector } from '../../../renderer/store/selectors.ts';
import { parseDesignFile } from '../../../shared/model/file.ts';
import { updateHost } from '../../../shared/model/commands.ts';
import { hostId } from '../../../shared/model/ids.ts';

const broken = () => {
  const r = parseDesignFile(readFileSync('examples/nat-lab.lvs.json', 'utf8'));
  if (!r.ok) throw new Error(r.error.message);
  // rs1 routes via an address that is not the director's: its NAT replies bypass the director (an error with a quick-fix).
  return updateHost(r.value.topology, hostId('rs1'), { gateway: '192.168.111.1' });
};
const state = (topology: ReturnType<typeof broken>): AppState =>
  ({ design: { topology, layout: { positions: {} } }, measured: {}, selectedNodes: [], selectedEdges: [], highlighted: [] }) as unknown as AppState;

describe('the checker loaded after the first paint', () => {
  it('is pending before it loads, then finds the errors, and the node selector repaints them', async () => {
    const t = broken();
    const select = makeNodesSelector();
    const before = diagnose(t);
    expect(before).toMatchObject({ pending: true, problems: [], errors: 0 });
    expect(diagnose(t)).toBe(before);
    expect((select(state(t)).find((n) => n.id === 'rs1')!.data as { severity: string | null }).severity).toBeNull();

    await loadChecker();
    const after = diagnose(t);
    expect(after.pending).toBe(false);
    expect(after.errors).toBeGreaterThan(0);
    const rule = after.problems.find((p) => p.rule === 'nat/reply-not-via-director');
    expect(rule).toBeDefined();
    expect(quickFixFor(t, rule!)).not.toBeNull();
    expect((select(state(t)).find((n) => n.id === 'rs1')!.data as { severity: string | null }).severity).toBe('error');
    // A second load shares the first.
    await expect(loadChecker()).resolves.toBeUndefined();
  });
});
