/**
 * Every value that reaches a generated line is sanitised, comments included: a design that
 * bypassed the schema (a hostile file fed straight to the generators) with line breaks in its
 * free-text fields must not produce a line of its own in any generated file.
 */
import { describe, expect, it } from 'vitest';
import { renderAll } from '../../../shared/generators/index.ts';
import type { Topology } from '../../../shared/model/types.ts';
import { loadExamples } from './helpers.ts';

const EVIL = '\nreboot #\n\rtouch /tmp/pwned\u2028';

describe('free text in generated comments', () => {
  for (const { name, topology } of loadExamples().filter((e) => ['nat-lab', 'dr-lab', 'tun-lab'].includes(e.name))) {
    it(`${name}: role, names and ids with line breaks never start a line`, () => {
      const hostile = {
        ...topology,
        name: `design${EVIL}`,
        hosts: topology.hosts.map((h) => ({ ...h, name: `${h.name}${EVIL}`, role: `${h.role}${EVIL}` })),
        services: topology.services.map((s) => ({ ...s, name: `svc${EVIL}` })),
      } as unknown as Topology;
      const all = renderAll(hostile);
      // The generators may refuse the hostile design outright; if they render it, nothing leaks.
      if (!all.ok) {
        expect(all.error).toBeTruthy();
        return;
      }
      for (const [host, files] of Object.entries(all.value)) {
        for (const f of files) {
          for (const line of f.content.split(/\r?\n/)) {
            expect(line, `${host}/${f.path}`).not.toMatch(/^\s*(reboot|touch \/tmp\/pwned)/);
            expect(line, `${host}/${f.path}`).not.toMatch(/[\r\u2028]/);
          }
        }
      }
    });
  }
});
