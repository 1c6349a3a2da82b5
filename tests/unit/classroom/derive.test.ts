/**
 * Classroom derivations: flow resolution, ARP filter and cursor moves, header layers with changed
 * marks at the seed article's steps, the director's byte count per method, the handouts, the zip.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDesignFile } from '../../../shared/model/file.ts';
import type { Topology } from '../../../shared/model/types.ts';
import type { Trace } from '../../../shared/simulator/index.ts';
import {
  changedSummary,
  convertMethod,
  connAt,
  directorBytes,
  effectiveCursor,
  handoutHtml,
  handoutMarkdown,
  headerLayers,
  langOf,
  hooksSoFarOnHost,
  netfilterBoxAt,
  neighbour,
  resolveFlow,
  stepTimes,
  traceOf,
  visibleSteps,
} from '../../../renderer/classroom/derive.ts';
import { crc32, zipStore } from '../../../renderer/classroom/zip.ts';
import { classroomEn, classroomZh } from '../../../renderer/classroom/strings.ts';

function lab(name: 'nat' | 'dr' | 'tun'): Topology {
  const text = readFileSync(new URL(`../../../examples/${name}-lab.lvs.json`, import.meta.url), 'utf8');
  const r = parseDesignFile(text);
  if (!r.ok) throw new Error(`cannot load ${name}`);
  return r.value.topology;
}

function traceFor(t: Topology): Trace {
  const r = traceOf(t, resolveFlow(t, { client: null, service: null, realServer: null, seed: 1 }));
  if (!('trace' in r)) throw new Error('no trace');
  return r.trace;
}

const atLetter = (tr: Trace, l: string) => tr.steps.find((s) => s.articleStep === l)!;
const field = (tr: Trace, i: number, f: string) =>
  headerLayers(tr.steps[i]!)
    .flatMap((l) => l.rows)
    .find((r) => r.field === f);

describe('classroom derivations', () => {
  it('resolves the first client and service, and ignores a forced real server of another service', () => {
    const t = lab('nat');
    const f = resolveFlow(t, { client: null, service: null, realServer: 'nope', seed: 1 });
    expect(f.client?.id).toBe('client');
    expect(f.service?.id).toBe('web');
    expect(f.realServer).toBeNull();
    expect(traceOf({ ...t, services: [] }, resolveFlow({ ...t, services: [] }, { client: null, service: null, realServer: null, seed: 1 }))).toEqual({
      missing: 'service',
    });
  });

  it('hides ARP steps with the filter and steps over them', () => {
    const tr = traceFor(lab('nat'));
    const all = visibleSteps(tr, true);
    const noArp = visibleSteps(tr, false);
    expect(all.length).toBe(tr.steps.length);
    expect(noArp.length).toBeLessThan(all.length);
    expect(noArp.some((i) => tr.steps[i]!.kind.startsWith('arp'))).toBe(false);
    const arp = tr.steps.find((s) => s.kind === 'arp-request')!.index;
    const c = effectiveCursor(tr, arp, noArp);
    expect(c).toBeGreaterThan(arp);
    expect(neighbour(noArp, c, -1)).toBeLessThan(arp);
    expect(neighbour(noArp, noArp[noArp.length - 1]!, 1)).toBe(noArp[noArp.length - 1]);
    expect(neighbour(noArp, 0, -1)).toBe(0);
  });

  it('NAT: (c) changes ip.dst to the RIP; (f) changes ip.src back to the VIP; the table holds the entry', () => {
    const tr = traceFor(lab('nat'));
    const c = atLetter(tr, 'c');
    expect(field(tr, c.index, 'ip.dst')).toMatchObject({ changed: true });
    expect(field(tr, c.index, 'ip.dst')!.value).toMatch(/^192\.168\.111\.10[12]$/);
    expect(field(tr, c.index, 'ip.src')).toMatchObject({ value: '172.16.111.13', changed: false });
    expect(changedSummary(c)).toContain('ip.dst 192.168.111.10');
    const f = atLetter(tr, 'f');
    expect(field(tr, f.index, 'ip.src')).toMatchObject({ value: '172.16.111.123', changed: true });
    expect(connAt(tr, 0)).toBeNull();
    expect(connAt(tr, f.index)?.virtual.address).toBe('172.16.111.123');
  });

  it('netfilter: the drop of a NAT reply without a gateway is placed on its host, hooks of this pass only', () => {
    const t = lab('nat');
    const broken: Topology = { ...t, hosts: t.hosts.map((h) => (h.id === 'rs1' ? { ...h, gateway: undefined } : h)) } as Topology;
    const r = traceOf(broken, resolveFlow(broken, { client: null, service: null, realServer: 'web-rs1', seed: 1 }));
    if (!('trace' in r)) throw new Error('no trace');
    const tr = r.trace;
    expect(tr.outcome.status).toBe('broken');
    const drop = tr.steps.length - 1;
    expect(tr.steps[drop]!.kind).toBe('drop');
    expect(netfilterBoxAt(tr, drop)).not.toBe('');
    const seen = hooksSoFarOnHost(tr, drop);
    expect(seen.has('PREROUTING')).toBe(false);
    expect(seen.has('LOCAL')).toBe(true);
    const a = atLetter(tr, 'a').index;
    expect(netfilterBoxAt(tr, a)).toBe('PREROUTING');
  });

  it('TUN: the outer header is marked as added at (b)', () => {
    const tr = traceFor(lab('tun'));
    const b = atLetter(tr, 'b');
    const layers = headerLayers(b);
    expect(layers.map((l) => l.id)).toEqual(['outer', 'ip', 'l4']);
    expect(field(tr, b.index, 'outer.src')).toMatchObject({ value: '172.18.0.10', changed: true });
    expect(field(tr, b.index, 'ip.dst')).toMatchObject({ value: '172.18.0.100', changed: false });
  });

  it('counts the reply through the director for NAT only', () => {
    const nat = lab('nat');
    const dr = lab('dr');
    const tun = lab('tun');
    const n = directorBytes(nat, traceFor(nat));
    expect(n.reply).toBeGreaterThan(10240);
    expect(directorBytes(dr, traceFor(dr)).reply).toBe(0);
    expect(directorBytes(tun, traceFor(tun)).reply).toBe(0);
    expect(directorBytes(dr, traceFor(dr)).request).toBeGreaterThan(0);
  });

  it('converting the NAT lab to DR breaks it: the real servers lack the VIP', () => {
    const t = convertMethod(lab('nat'), 'web', 'dr');
    expect(t.services[0]!.realServers.every((r) => r.method === 'dr')).toBe(true);
    const tr = traceFor(t);
    expect(tr.method).toBe('dr');
    expect(tr.outcome.status).toBe('broken');
  });

  it('step times grow only on the wire and never go back', () => {
    const tr = traceFor(lab('dr'));
    const times = stepTimes(tr);
    expect(times[0]).toBe(0);
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!);
    expect(times[times.length - 1]!).toBeGreaterThan(0);
  });

  it('writes handouts with letters, changes and escaped text in the chosen language', () => {
    const t = lab('nat');
    const tr = traceFor(t);
    const text = { title: 'W <1>', flowLine: 'client → VIP', columns: ['#', 'a', 't', 'at', 'ev', 'h', 'ch', 'n'], outcome: 'ok' };
    const md = handoutMarkdown(t, tr, visibleSteps(tr, false), 'zh', text);
    expect(md).toMatch(/\| \(c\) \|.*ip\.dst 192\.168\.111\.10[12]/);
    expect(md).toMatch(/[\u4e00-\u9fff]/);
    // ARP steps hidden; event names in Chinese.
    expect(md).not.toContain('ARP 请求');
    expect(md).toContain('| 发出 |');
    expect(md).not.toContain('originate');
    const html = handoutHtml(t, tr, visibleSteps(tr, true), 'en', text);
    expect(html).toContain('<title>W &lt;1&gt;</title>');
    expect(html).toContain('<td>ARP request</td>');
    expect(langOf('zh-CN')).toBe('zh');
    expect(langOf('en')).toBe('en');
  });

  it('zips stored entries that a standard reader accepts', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    const a = new TextEncoder().encode('hello');
    const zip = zipStore([
      { name: 'd/a.txt', data: a },
      { name: 'b.bin', data: new Uint8Array([0, 1, 2]) },
    ]);
    const v = new DataView(zip.buffer);
    expect(v.getUint32(0, true)).toBe(0x04034b50);
    const end = zip.length - 22;
    expect(v.getUint32(end, true)).toBe(0x06054b50);
    expect(v.getUint16(end + 10, true)).toBe(2);
    const cdOffset = v.getUint32(end + 16, true);
    expect(v.getUint32(cdOffset, true)).toBe(0x02014b50);
    // The first entry's data sits after its 30-byte header and name, uncompressed.
    const nameLen = v.getUint16(26, true);
    expect(new TextDecoder().decode(zip.subarray(30 + nameLen, 30 + nameLen + 5))).toBe('hello');
  });
});

describe('classroom strings', () => {
  const keys = (o: unknown, prefix = ''): string[] =>
    typeof o !== 'object' || o === null ? [prefix] : Object.entries(o).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));

  it('Chinese has exactly the English keys, none empty, and the UI asks only for existing keys', () => {
    expect(keys(classroomZh).sort()).toEqual(keys(classroomEn).sort());
    const flat = (o: unknown): string[] => (typeof o === 'string' ? [o] : Object.values(o as object).flatMap(flat));
    expect(flat(classroomZh).every((x) => x.trim() !== '')).toBe(true);
    const known = new Set(keys(classroomEn).map((k) => `classroom.${k}`));
    const missing: string[] = [];
    for (const f of readdirSync('renderer/classroom').filter((x) => /\.tsx?$/.test(x))) {
      const text = readFileSync(join('renderer/classroom', f), 'utf8');
      for (const m of text.matchAll(/\bt\('(classroom\.[a-zA-Z0-9_.-]+)'/g)) if (!known.has(m[1]!)) missing.push(`${f}: ${m[1]}`);
    }
    expect(missing).toEqual([]);
  });
});
