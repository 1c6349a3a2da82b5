import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Design } from '../../../shared/model/commands.ts';
import {
  addHost,
  addRealServer,
  addSegment,
  addService,
  connect,
  copyFragment,
  emptyDesign,
  freshId,
  pasteFragment,
  removeItems,
  updateInterface,
  usedIds,
} from '../../../shared/model/commands.ts';
import { parseDesignFile, serializeDesignFile, makeDesignFile } from '../../../shared/model/file.ts';
import { hostId, segmentId } from '../../../shared/model/ids.ts';

const nat = (): Design => {
  const r = parseDesignFile(readFileSync('examples/nat-lab.lvs.json', 'utf8'));
  if (!r.ok) throw new Error(r.error.message);
  return { topology: r.value.topology, layout: r.value.layout };
};

describe('design commands', () => {
  it('adds hosts and segments with unique ids, names and subnets', () => {
    let d = emptyDesign();
    const a = addHost(d, 'real-server', { x: 1, y: 2 });
    d = a.design;
    const b = addHost(d, 'real-server', { x: 3, y: 4 });
    d = b.design;
    expect(a.id).not.toBe(b.id);
    expect(d.topology.hosts.map((h) => h.name)).toEqual(['rs1', 'rs2']);
    expect(d.layout.positions[b.id]).toEqual({ x: 3, y: 4 });
    const s1 = addSegment(d, { x: 0, y: 0 });
    const s2 = addSegment(s1.design, { x: 0, y: 0 });
    const [c1, c2] = s2.design.topology.segments.map((s) => s.cidr);
    expect(c1).not.toBe(c2);
  });

  it('connect gives the next free address of the segment', () => {
    const d = nat();
    const added = addHost(d, 'real-server', { x: 0, y: 0 });
    const r = connect(added.design.topology, added.id, segmentId('lan'));
    expect(r).not.toBeNull();
    const host = r!.topology.hosts.find((h) => h.id === added.id)!;
    const eth = host.interfaces.find((f) => f.id === r!.interfaceId)!;
    expect(eth).toMatchObject({ name: 'eth0', kind: 'ethernet', segment: 'lan', addresses: ['192.168.111.1/24'] });
    expect(connect(r!.topology, added.id, segmentId('nope'))).toBeNull();
  });

  it('keeps what the user typed, even a wrong address, and stays JSON-safe', () => {
    const d = nat();
    const t = updateInterface(d.topology, hostId('rs1'), 'rs1-eth0', { addresses: ['192.168.111.2000/24'] });
    expect(t.hosts.find((h) => h.id === 'rs1')!.interfaces.find((f) => f.id === 'rs1-eth0')!.addresses).toEqual(['192.168.111.2000/24']);
    const reparsed = parseDesignFile(serializeDesignFile(makeDesignFile(t, d.layout)));
    expect(reparsed.ok).toBe(true);
    // untouched hosts keep their identity (memoised views stay valid)
    expect(t.hosts.find((h) => h.id === 'rs2')).toBe(d.topology.hosts.find((h) => h.id === 'rs2'));
  });

  it('removing a host drops its real servers; removing a segment unplugs interfaces', () => {
    const d = removeItems(nat(), ['rs1', 'lan']);
    expect(d.topology.hosts.some((h) => h.id === 'rs1')).toBe(false);
    expect(d.topology.services[0]!.realServers.map((r) => r.host)).toEqual(['rs2']);
    expect(d.topology.hosts.find((h) => h.id === 'rs2')!.interfaces.find((f) => f.name === 'eth0')!.segment).toBeNull();
    expect(d.layout.positions.rs1).toBeUndefined();
  });

  it('removing nothing returns the very same design (no undo step)', () => {
    const d = nat();
    expect(removeItems(d, [])).toBe(d);
  });

  it('paste gives fresh ids and addresses that do not clash with the originals', () => {
    const d = nat();
    const frag = copyFragment(d, ['rs1', 'rs2']);
    const r = pasteFragment(d, frag, { x: 40, y: 40 });
    expect(r.ids).toHaveLength(2);
    const ids = [...usedIds(r.design.topology)];
    expect(new Set(ids).size).toBe(ids.length);
    const lanAddrs = r.design.topology.hosts.flatMap((h) => h.interfaces.filter((f) => f.segment === 'lan').flatMap((f) => f.addresses));
    expect(new Set(lanAddrs).size).toBe(lanAddrs.length);
    expect(r.design.layout.positions[r.ids[0]!]).toEqual({ x: d.layout.positions.rs1!.x + 40, y: d.layout.positions.rs1!.y + 40 });
    expect(parseDesignFile(serializeDesignFile(makeDesignFile(r.design.topology, r.design.layout))).ok).toBe(true);
  });

  it('pasting a segment with its hosts keeps the hosts on the copy', () => {
    const d = nat();
    const r = pasteFragment(d, copyFragment(d, ['lan', 'rs1']), { x: 0, y: 300 });
    const seg = r.design.topology.segments.find((s) => r.ids.includes(s.id))!;
    const host = r.design.topology.hosts.find((h) => r.ids.includes(h.id))!;
    expect(host.interfaces.find((f) => f.kind === 'ethernet')!.segment).toBe(seg.id);
    expect(seg.name).not.toBe('intranet');
  });

  it('services and real servers', () => {
    let t = nat().topology;
    const s = addService(t, hostId('director'));
    t = s.topology;
    expect(t.services.find((v) => v.id === s.id)).toMatchObject({ director: 'director', vip: '172.16.111.123', port: 80 });
    const rs = addRealServer(t, s.id, hostId('rs1'));
    expect(rs!.topology.services.find((v) => v.id === s.id)!.realServers[0]).toMatchObject({ host: 'rs1', rip: '192.168.111.101', port: 80 });
  });

  it('freshId cleans and avoids collisions', () => {
    const taken = new Set(['a', 'a-2']);
    expect(freshId('a', taken)).toBe('a-3');
    expect(freshId('we ird/name', taken)).toBe('we-ird-name');
    expect(freshId('', taken)).toBe('item');
  });
});
