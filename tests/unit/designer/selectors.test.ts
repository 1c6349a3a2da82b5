import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { AppState } from '../../../renderer/store/index.ts';
import { makeEdgesSelector, makeNodesSelector } from '../../../renderer/store/selectors.ts';
import { loadChecker } from '../../../renderer/store/diagnostics.ts';
import { parseDesignFile } from '../../../shared/model/file.ts';
import { updateHost } from '../../../shared/model/commands.ts';
import type { Design } from '../../../shared/model/commands.ts';
import { hostId } from '../../../shared/model/ids.ts';

const nat = (): Design => {
  const r = parseDesignFile(readFileSync('examples/nat-lab.lvs.json', 'utf8'));
  if (!r.ok) throw new Error(r.error.message);
  return { topology: r.value.topology, layout: r.value.layout };
};

const state = (design: Design, extra: Partial<AppState> = {}): AppState =>
  ({ design, measured: {}, selectedNodes: [], selectedEdges: [], highlighted: [], ...extra }) as unknown as AppState;

// The app loads the checker after its first paint (see checker-loading.test.ts); these tests need it.
beforeAll(() => loadChecker());

describe('canvas selectors', () => {
  it('derive one node per host and segment and one edge per plugged interface', () => {
    const nodes = makeNodesSelector()(state(nat()));
    const edges = makeEdgesSelector()(state(nat()));
    expect(nodes.map((n) => n.id).sort()).toEqual(['client', 'director', 'lan', 'public', 'rs1', 'rs2']);
    expect(edges).toHaveLength(5);
    const dirEth1 = edges.find((e) => e.id === 'director-eth1')!;
    expect(dirEth1).toMatchObject({ source: 'director', target: 'lan', sourceHandle: 'r', targetHandle: 'l' });
    const lanColor = (nodes.find((n) => n.id === 'lan')!.data as { color: string }).color;
    expect(dirEth1.data!.color).toBe(lanColor);
  });

  it('return the same arrays for the same inputs (zustand 5 needs stable selections)', () => {
    const sel = makeNodesSelector();
    const s = state(nat());
    expect(sel(s)).toBe(sel(s));
  });

  it('reuse untouched node objects after a drag or an edit, and rebuild only what changed', () => {
    const sel = makeNodesSelector();
    const edgesSel = makeEdgesSelector();
    const d = nat();
    const s0 = state(d);
    const before = sel(s0);
    const edgesBefore = edgesSel(s0);
    // Drag rs2 sideways: only rs2 changes; no link changes side or length of the bar.
    const moved: Design = { ...d, layout: { positions: { ...d.layout.positions, rs2: { x: 880, y: 220 } } } };
    const s1 = state(moved);
    const after = sel(s1);
    const byId = (list: typeof before, id: string) => list.find((n) => n.id === id);
    expect(byId(after, 'rs2')).not.toBe(byId(before, 'rs2'));
    for (const id of ['client', 'director', 'rs1', 'public']) expect(byId(after, id)).toBe(byId(before, id));
    expect(edgesSel(s1)).toBe(edgesBefore);
    // Rename rs1: only rs1 is rebuilt.
    const renamed: Design = { ...moved, topology: updateHost(moved.topology, hostId('rs1'), { name: 'web1' }) };
    const again = sel(state(renamed));
    expect(byId(again, 'rs1')).not.toBe(byId(after, 'rs1'));
    expect(byId(again, 'rs2')).toBe(byId(after, 'rs2'));
  });

  it('mark the nodes the checker finds errors on', () => {
    const d = nat();
    const bad: Design = {
      ...d,
      topology: {
        ...d.topology,
        hosts: d.topology.hosts.map((h) =>
          h.id === 'rs1' ? { ...h, interfaces: h.interfaces.map((f) => (f.name === 'eth0' ? { ...f, addresses: ['192.168.111.2000/24'] } : f)) } : h,
        ),
      },
    };
    const nodes = makeNodesSelector()(state(bad));
    expect((nodes.find((n) => n.id === 'rs1')!.data as { severity: string | null }).severity).toBe('error');
    expect((nodes.find((n) => n.id === 'client')!.data as { severity: string | null }).severity).toBeNull();
  });
});
