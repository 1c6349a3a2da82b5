// Importing into the open design: existing hosts and segments are reused, the rest added with fresh ids.
import { describe, expect, it } from 'vitest';
import { renderIpvsadmRules } from '../../../shared/generators/index.ts';
import { importIpvsadmSave, importIpvsadmCommands, mergeDesign } from '../../../shared/importers/index.ts';
import { emptyDesign } from '../../../shared/model/commands.ts';
import type { Design } from '../../../shared/model/commands.ts';
import { makeDesignFile } from '../../../shared/model/file.ts';
import { designFileSchema } from '../../../shared/model/schema.ts';
import { loadExample } from '../generators/helpers.ts';

const design = (name: string): Design => {
  const topology = loadExample(name);
  return { topology, layout: { positions: Object.fromEntries([...topology.hosts, ...topology.segments].map((x, i) => [x.id, { x: i * 10, y: 0 }])) } };
};
const passes = (d: Design) => expect(designFileSchema.safeParse(makeDesignFile(d.topology, d.layout)).success).toBe(true);

describe('mergeDesign', () => {
  it('a design’s own rules merge into it without adding anything', () => {
    const base = design('dr-lab');
    const director = base.topology.services[0]!.director;
    const imported = importIpvsadmSave(renderIpvsadmRules(base.topology, director));
    const { design: merged } = mergeDesign(base, imported);
    expect(merged.topology.hosts.map((h) => h.id)).toEqual(base.topology.hosts.map((h) => h.id));
    expect(merged.topology.segments.map((s) => s.id)).toEqual(base.topology.segments.map((s) => s.id));
    expect(merged.topology.services.map((s) => s.realServers.length)).toEqual(base.topology.services.map((s) => s.realServers.length));
    passes(merged);
  });

  it('into an empty design it is the import itself', () => {
    const imported = importIpvsadmCommands('ipvsadm -A -t 10.0.0.1:80 -s rr\nipvsadm -a -t 10.0.0.1:80 -r 10.0.1.5 -g\n');
    const { design: merged, idMap } = mergeDesign(emptyDesign(), imported);
    expect(merged.topology.hosts.map((h) => h.id)).toEqual(imported.topology.hosts.map((h) => h.id));
    for (const [from, to] of idMap) expect(to).toBe(from);
    passes(merged);
  });

  it('another lab is added beside the drawing with fresh ids; the id map follows every element', () => {
    const base = design('dr-lab');
    const imported = importIpvsadmCommands('ipvsadm -A -t 172.16.111.123:80 -s wrr\nipvsadm -a -t 172.16.111.123:80 -r 192.168.111.101 -m\n');
    const { design: merged, idMap } = mergeDesign(base, imported);
    passes(merged);
    expect(merged.topology.services).toHaveLength(base.topology.services.length + 1);
    const maxX = Math.max(...Object.values(base.layout.positions).map((p) => p.x));
    for (const h of imported.topology.hosts) {
      const id = idMap.get(h.id);
      // The design has a client already: the imported one is not added.
      if (id === undefined) expect(h.role).toBe('client');
      if (id === undefined || base.topology.hosts.some((x) => x.id === id)) continue;
      expect(merged.layout.positions[id]!.x).toBeGreaterThan(maxX);
    }
    // Ids that already existed (director, rs1, client) were renamed, not overwritten.
    expect(new Set(merged.topology.hosts.map((h) => h.id)).size).toBe(merged.topology.hosts.length);
  });
});
