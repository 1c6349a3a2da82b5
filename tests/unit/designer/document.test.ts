/**
 * The document slice (renderer/store/document.ts): undo/redo history, a drag as one undo step, the
 * history limit, no-op edits, loading and the dirty state.
 */
import { describe, expect, it } from 'vitest';
import { create } from 'zustand';
import type { AppState } from '../../../renderer/store/index.ts';
import { selectDirty } from '../../../renderer/store/index.ts';
import { createDocumentSlice } from '../../../renderer/store/document.ts';
import type { DocumentSlice } from '../../../renderer/store/document.ts';
import type { Design } from '../../../shared/model/commands.ts';
import { addRealServer, addService, onTopology, renameDesign, updateHost } from '../../../shared/model/commands.ts';
import { natLab } from '../../../shared/model/labs.ts';
import { hostId } from '../../../shared/model/ids.ts';

/** A store with only the document slice (the other slices are not touched by it). */
const store = () => create<DocumentSlice>()((...a) => createDocumentSlice(...(a as unknown as Parameters<typeof createDocumentSlice>)));
const nat = (): Design => ({ topology: natLab(), layout: { positions: { rs1: { x: 0, y: 0 }, rs2: { x: 100, y: 0 } } } });
const named = (s: ReturnType<typeof store>) => s.getState().design.topology.name;

describe('document slice', () => {
  it('each apply is one undo step; undo and redo walk the history; a new edit drops the redo branch', () => {
    const s = store();
    s.getState().load(nat(), null, null);
    s.getState().applyTopology((t) => renameDesign(t, 'one'));
    s.getState().applyTopology((t) => renameDesign(t, 'two'));
    expect(s.getState().past).toHaveLength(2);
    s.getState().undo();
    expect(named(s)).toBe('one');
    s.getState().undo();
    expect(named(s)).toBe('nat');
    s.getState().undo(); // nothing left: no change
    expect(named(s)).toBe('nat');
    s.getState().redo();
    expect(named(s)).toBe('one');
    expect(s.getState().future).toHaveLength(1);
    s.getState().applyTopology((t) => renameDesign(t, 'three'));
    expect(s.getState().future).toHaveLength(0);
    s.getState().redo(); // the 'two' branch is gone
    expect(named(s)).toBe('three');
  });

  it('undo restores the very objects of before (structural sharing, nothing rebuilt)', () => {
    const s = store();
    const d = nat();
    s.getState().load(d, null, null);
    s.getState().applyTopology((t) => updateHost(t, hostId('rs1'), { gateway: '192.168.111.1' }));
    expect(s.getState().design.topology.hosts.find((h) => h.id === 'rs2')).toBe(d.topology.hosts.find((h) => h.id === 'rs2'));
    s.getState().undo();
    expect(s.getState().design).toBe(d);
  });

  it('an edit that changes nothing records no undo step and does not make the design dirty', () => {
    const s = store();
    s.getState().load(nat(), null, null);
    const before = s.getState();
    s.getState().apply((d) => d);
    s.getState().applyTopology((t) => renameDesign(t, 'nat'));
    s.getState().apply(onTopology((t) => t));
    expect(s.getState().past).toHaveLength(0);
    expect(s.getState().revision).toBe(before.revision);
    expect(selectDirty(s.getState() as unknown as AppState)).toBe(false);
  });

  it('a drag is one undo step however many moves it has; the next drag is another', () => {
    const s = store();
    s.getState().load(nat(), null, null);
    for (let i = 1; i <= 30; i++) s.getState().dragMove({ rs1: { x: i, y: i } });
    s.getState().dragEnd();
    expect(s.getState().design.layout.positions.rs1).toEqual({ x: 30, y: 30 });
    expect(s.getState().past).toHaveLength(1);
    for (let i = 1; i <= 5; i++) s.getState().dragMove({ rs2: { x: 100 + i, y: 0 } });
    s.getState().dragEnd();
    expect(s.getState().past).toHaveLength(2);
    s.getState().undo();
    expect(s.getState().design.layout.positions.rs2).toEqual({ x: 100, y: 0 });
    expect(s.getState().design.layout.positions.rs1).toEqual({ x: 30, y: 30 });
    s.getState().undo();
    expect(s.getState().design.layout.positions.rs1).toEqual({ x: 0, y: 0 });
  });

  it('a drag keeps the topology object (the checker is not re-run) and undo during a drag ends it', () => {
    const s = store();
    s.getState().load(nat(), null, null);
    const topology = s.getState().design.topology;
    s.getState().dragMove({ rs1: { x: 5, y: 5 } });
    expect(s.getState().design.topology).toBe(topology);
    expect(s.getState().dragging).toBe(true);
    s.getState().undo();
    expect(s.getState().dragging).toBe(false);
    // The next move starts a new drag, so it records a new step.
    s.getState().dragMove({ rs1: { x: 6, y: 6 } });
    expect(s.getState().past).toHaveLength(1);
  });

  it('keeps at most 200 undo steps, dropping the oldest', () => {
    const s = store();
    s.getState().load(nat(), null, null);
    for (let i = 1; i <= 250; i++) s.getState().applyTopology((t) => renameDesign(t, `v${i}`));
    expect(s.getState().past).toHaveLength(200);
    while (s.getState().past.length > 0) s.getState().undo();
    expect(named(s)).toBe('v50');
    expect(s.getState().future).toHaveLength(200);
    for (let i = 0; i < 200; i++) s.getState().redo();
    expect(named(s)).toBe('v250');
  });

  it('applyTopologyCommand returns what the command made, and nothing when it refuses', () => {
    const s = store();
    s.getState().load(nat(), null, null);
    const made = s.getState().applyTopologyCommand((t) => addService(t, hostId('director')));
    expect(made?.id).toBeTruthy();
    expect(s.getState().design.topology.services.map((v) => v.id)).toContain(made!.id);
    expect(s.getState().past).toHaveLength(1);
    const refused = s.getState().applyTopologyCommand((t) => addRealServer(t, 'no-such-service', hostId('rs1')));
    expect(refused).toBeNull();
    expect(s.getState().past).toHaveLength(1);
  });

  it('load clears the history; dirty follows the revision and markSaved; a recovered design loads dirty', () => {
    const s = store();
    s.getState().load(nat(), 'a.lvs.json', 'a.lvs.json');
    const dirty = () => selectDirty(s.getState() as unknown as AppState);
    expect(dirty()).toBe(false);
    s.getState().applyTopology((t) => renameDesign(t, 'changed'));
    expect(dirty()).toBe(true);
    s.getState().markSaved(s.getState().revision, 'a.lvs.json', 'a.lvs.json');
    expect(dirty()).toBe(false);
    s.getState().undo();
    expect(dirty()).toBe(true);
    s.getState().load(nat(), null, null, true);
    expect(s.getState().past).toHaveLength(0);
    expect(s.getState().future).toHaveLength(0);
    expect(dirty()).toBe(true);
  });
});
