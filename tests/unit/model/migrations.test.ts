import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { migrate, versionOf } from '../../../shared/model/migrations.ts';
import { parseDesignFile } from '../../../shared/model/file.ts';
import { validate } from '../../../shared/validation/index.ts';

const v1Text = readFileSync(new URL('../../fixtures/model/v1-nat.lvs.json', import.meta.url), 'utf8');

describe('v1 → v2 migration', () => {
  it('moves service.method onto each real server and host/segment positions into the layout', () => {
    const r = parseDesignFile(v1Text);
    if (!r.ok) throw new Error(r.error.message);
    const file = r.value;
    expect(file.formatVersion).toBe(4);
    expect(file.topology.services[0]!.realServers.map((x) => x.method)).toEqual(['nat', 'nat']);
    expect('method' in file.topology.services[0]!).toBe(false);
    expect(file.layout.positions).toEqual({
      client: { x: 0, y: 120 },
      director: { x: 420, y: 120 },
      rs1: { x: 860, y: 40 },
      rs2: { x: 860, y: 220 },
      public: { x: 220, y: 0 },
      lan: { x: 660, y: 0 },
    });
    expect(file.topology.hosts.every((h) => !('position' in h))).toBe(true);
    expect(validate(file.topology)).toEqual([]);
  });

  it("keeps a real server's own method and defaults to DR (ipvsadm -g) when the service had none", () => {
    const doc = JSON.parse(v1Text);
    doc.topology.services[0].realServers[1].method = 'tun';
    delete doc.topology.services[0].method;
    const r = migrate(doc, 2);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.from).toBe(1);
    const services = (r.doc.topology as { services: { realServers: { method: string }[] }[] }).services;
    expect(services[0]!.realServers.map((x) => x.method)).toEqual(['dr', 'tun']);
  });

  it('does not touch the input document', () => {
    const doc = JSON.parse(v1Text);
    const before = JSON.stringify(doc);
    migrate(doc, 2);
    expect(JSON.stringify(doc)).toBe(before);
  });

  it('leaves a current document alone', () => {
    const doc = { format: 'lvs-designer', formatVersion: 2, topology: {}, layout: {} };
    expect(migrate(doc, 2)).toEqual({ ok: true, doc, from: 2 });
  });

  it('reports broken v1 data at its v2 path after migration', () => {
    const doc = JSON.parse(v1Text);
    doc.topology.services[0].method = 'masq';
    const r = parseDesignFile(JSON.stringify(doc));
    expect(r.ok ? '' : r.error.issues[0]!.path).toBe('topology.services[0].realServers[0].method');
  });

  it('reads the version from formatVersion or the v1 "version" field', () => {
    expect(versionOf({ formatVersion: 2 })).toBe(2);
    expect(versionOf({ version: 1 })).toBe(1);
    expect(versionOf({ version: '1' })).toBeUndefined();
    expect(versionOf({})).toBeUndefined();
  });

  it('refuses versions it has no step for', () => {
    expect(migrate({ formatVersion: 3 }, 2)).toEqual({ ok: false, error: 'formatVersion: file is version 3, this LVS Designer reads up to 2; update the app' });
    expect(migrate({ formatVersion: -1 }, 2).ok).toBe(false);
  });
});
