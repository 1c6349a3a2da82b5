/**
 * Golden files: the generated configuration of every example, byte for byte. Run with
 * UPDATE_GOLDEN=1 to rewrite tests/fixtures/golden after an intended change, then review the diff.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderAll, renderHost } from '../../../shared/generators/index.ts';
import { loadExamples } from './helpers.ts';

const GOLDEN = join(import.meta.dirname, '../../fixtures/golden');
const update = process.env.UPDATE_GOLDEN === '1';

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

describe('golden files of the examples', () => {
  const examples = loadExamples();
  it('covers the three seed labs and the large example', () => {
    expect(examples.map((e) => e.name)).toEqual(expect.arrayContaining(['nat-lab', 'dr-lab', 'tun-lab', 'large-cluster']));
  });
  for (const { name, topology } of examples) {
    it(`${name}: every host's files equal the golden copy`, () => {
      const all = renderAll(topology);
      if (!all.ok) throw new Error(all.error);
      const dir = join(GOLDEN, name);
      const generated = new Map<string, string>();
      for (const [hostId, files] of Object.entries(all.value)) for (const f of files) generated.set(join(hostId, f.path), f.content);
      if (update) {
        rmSync(dir, { recursive: true, force: true });
        for (const [p, content] of generated) {
          mkdirSync(dirname(join(dir, p)), { recursive: true });
          writeFileSync(join(dir, p), content);
        }
      }
      expect(listFiles(dir)).toEqual([...generated.keys()].sort());
      for (const [p, content] of generated) expect(content, p).toBe(readFileSync(join(dir, p), 'utf8'));
    });
  }
  it('is deterministic: rendering twice gives identical output', () => {
    for (const { topology } of examples) expect(JSON.stringify(renderAll(topology))).toBe(JSON.stringify(renderAll(topology)));
  });
  it('gives every host apply/verify/rollback, and directors their rules and keepalived.conf', () => {
    for (const { topology } of examples) {
      for (const h of topology.hosts) {
        const r = renderHost(topology, h.id);
        if (!r.ok) throw new Error(r.error);
        const paths = r.value.map((f) => f.path);
        expect(paths).toEqual(expect.arrayContaining(['apply.sh', 'verify.sh', 'rollback.sh']));
        for (const f of r.value) expect(f.mode).toBe(f.path.endsWith('.sh') ? 0o755 : 0o644);
        if (h.role === 'director') expect(paths).toEqual(expect.arrayContaining(['ipvsadm.rules', 'keepalived.conf']));
        else expect(paths).not.toContain('ipvsadm.rules');
      }
    }
  });
});
