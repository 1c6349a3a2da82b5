import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatPath, makeDesignFile, MAX_FILE_BYTES, parseDesignFile, serializeDesignFile } from '../../../shared/model/file.ts';
import { FORMAT_VERSION } from '../../../shared/model/types.ts';

const natText = readFileSync(new URL('../../../examples/nat-lab.lvs.json', import.meta.url), 'utf8');
const nat = () => JSON.parse(natText);

/** Parses a document object and returns the error (the test fails if it loads). */
function errorOf(doc: unknown) {
  const r = parseDesignFile(typeof doc === 'string' ? doc : JSON.stringify(doc));
  if (r.ok) throw new Error('expected a load error');
  return r.error;
}

describe('parseDesignFile', () => {
  it('loads every example without losing data, and re-saving is stable', () => {
    for (const name of ['nat-lab', 'dr-lab', 'tun-lab', 'large-cluster']) {
      const text = readFileSync(new URL(`../../../examples/${name}.lvs.json`, import.meta.url), 'utf8');
      const r = parseDesignFile(text);
      if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
      const saved = serializeDesignFile(r.value);
      expect(JSON.parse(saved), name).toEqual(JSON.parse(text));
      const again = parseDesignFile(saved);
      expect(again.ok && serializeDesignFile(again.value), name).toBe(saved);
    }
  });

  it('names the path of a bad reference: topology.hosts[0].interfaces[1].segment', () => {
    const doc = nat();
    doc.topology.hosts[0].interfaces[1].segment = 'x';
    const e = errorOf(doc);
    expect(e.message).toBe('topology.hosts[0].interfaces[1].segment: unknown segment "x"');
    expect(e.issues).toEqual([{ path: 'topology.hosts[0].interfaces[1].segment', message: 'unknown segment "x"' }]);
  });

  it('names the path of wrong types and counts further issues', () => {
    const doc = nat();
    doc.topology.hosts[2].interfaces[1].addresses = '192.168.111.101/24';
    doc.topology.services[0].port = 'eighty';
    const e = errorOf(doc);
    expect(e.message).toMatch(/^topology\.hosts\[2\]\.interfaces\[1\]\.addresses: .*expected array.* \(and 1 more\)$/);
    expect(e.issues.map((i) => i.path)).toEqual(['topology.hosts[2].interfaces[1].addresses', 'topology.services[0].port']);
  });

  it('refuses unknown fields, so typos are not silently dropped', () => {
    const doc = nat();
    doc.topology.hosts[1].sysctl.ip_forward = true;
    expect(errorOf(doc).message).toBe('topology.hosts[1].sysctl: Unrecognized key: "ip_forward"');
  });

  it('reports duplicate ids and unknown hosts in services', () => {
    const doc = nat();
    doc.topology.hosts[3].id = 'rs1';
    const e = errorOf(doc);
    expect(e.issues.map((i) => `${i.path}: ${i.message}`)).toContain('topology.hosts[3].id: duplicate id "rs1" (already used at hosts.2.id)');
    const doc2 = nat();
    doc2.topology.services[0].realServers[0].host = 'ghost';
    expect(errorOf(doc2).message).toBe('topology.services[0].realServers[0].host: unknown host "ghost"');
  });

  it('keeps malformed addresses loadable (they are design problems, not file errors)', () => {
    const doc = nat();
    doc.topology.hosts[2].gateway = '192.168.111.2000';
    const r = parseDesignFile(JSON.stringify(doc));
    expect(r.ok).toBe(true);
  });

  it('refuses newer, missing, fractional and impossible versions with a clear reason', () => {
    expect(errorOf({ ...nat(), formatVersion: FORMAT_VERSION + 1 }).message).toBe(
      `formatVersion: file is version ${FORMAT_VERSION + 1}, this LVS Designer reads up to ${FORMAT_VERSION}; update the app`,
    );
    const { formatVersion: _drop, ...noVersion } = nat();
    expect(errorOf(noVersion).message).toBe('formatVersion: missing or not a whole number');
    expect(errorOf({ ...nat(), formatVersion: 1.5 }).message).toBe('formatVersion: missing or not a whole number');
    expect(errorOf({ ...nat(), formatVersion: 0 }).message).toContain('versions start at 1');
  });

  it('refuses what is not a design file', () => {
    expect(errorOf('').message).toMatch(/^not valid JSON/);
    expect(errorOf('{"format": "lvs-designer",').message).toMatch(/^not valid JSON/);
    expect(errorOf('[1,2]').message).toBe('not an LVS Designer file: expected a JSON object');
    expect(errorOf('null').message).toBe('not an LVS Designer file: expected a JSON object');
    expect(errorOf({ format: 'tldraw', formatVersion: 2 }).message).toBe('format: not an LVS Designer file (expected "format": "lvs-designer")');
  });

  describe('hostile input', () => {
    it('refuses a file above the size limit before parsing it', () => {
      const huge = `{"format":"lvs-designer","pad":"${'x'.repeat(MAX_FILE_BYTES)}"}`;
      expect(errorOf(huge).message).toBe(`file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`);
    });

    it('survives deep nesting', () => {
      const deep = `{"format":"lvs-designer","formatVersion":2,"topology":${'['.repeat(100000)}${']'.repeat(100000)},"layout":{"positions":{}}}`;
      // Refused before JSON.parse (see file-hostile.test.ts), not after a costly parse.
      expect(errorOf(deep).message).toMatch(/^nested more than 64 levels deep/);
    });

    it('refuses "__proto__" keys anywhere and never pollutes prototypes', () => {
      const root =
        '{"format":"lvs-designer","formatVersion":2,"__proto__":{"polluted":1},"topology":{"name":"x","segments":[],"hosts":[],"services":[]},"layout":{"positions":{}}}';
      expect(errorOf(root).message).toBe('file: the key "__proto__" is not allowed');
      const inLayout =
        '{"format":"lvs-designer","formatVersion":2,"topology":{"name":"x","segments":[],"hosts":[],"services":[]},"layout":{"positions":{"__proto__":{"x":1,"y":2}}}}';
      expect(errorOf(inLayout).message).toBe('layout.positions: the key "__proto__" is not allowed');
      const v1 =
        '{"format":"lvs-designer","version":1,"topology":{"name":"x","segments":[],"hosts":[{"__proto__":{"role":"director"},"id":"a","name":"a","role":"client","interfaces":[]}],"services":[]}}';
      expect(errorOf(v1).message).toBe('topology.hosts[0]: the key "__proto__" is not allowed');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).role).toBeUndefined();
    });

    it('refuses ids that would be dangerous as object keys', () => {
      const doc = nat();
      doc.topology.hosts[0].id = 'constructor';
      expect(errorOf(doc).message).toMatch(/^topology\.hosts\[0\]\.id: must be 1-64 characters/);
    });

    it('bounds the length of free-text address fields', () => {
      const doc = nat();
      doc.topology.hosts[2].gateway = '1'.repeat(100);
      expect(errorOf(doc).issues[0]!.path).toBe('topology.hosts[2].gateway');
    });
  });
});

describe('formatPath', () => {
  it('formats keys and indexes', () => {
    expect(formatPath(['topology', 'hosts', 2, 'interfaces', 0, 'segment'])).toBe('topology.hosts[2].interfaces[0].segment');
    expect(formatPath([])).toBe('');
    expect(formatPath([0, 'a'])).toBe('[0].a');
  });
});

describe('makeDesignFile / serializeDesignFile', () => {
  it('writes the current version with 2-space indent and a trailing newline', () => {
    const text = serializeDesignFile(makeDesignFile({ name: 'empty', segments: [], hosts: [], services: [] }));
    expect(text).toBe(
      '{\n  "format": "lvs-designer",\n  "formatVersion": 4,\n  "topology": {\n    "name": "empty",\n    "segments": [],\n    "hosts": [],\n    "services": []\n  },\n  "layout": {\n    "positions": {}\n  }\n}\n',
    );
    expect(parseDesignFile(text).ok).toBe(true);
  });
});
