/**
 * Every rule speaks Simplified Chinese: a title, and for every finding on its demo design (and on
 * the examples) a message and fix that are Chinese sentences, not English left in place.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RULES, validate } from '../../../shared/validation/index.ts';
import type { Topology } from '../../../shared/model/types.ts';
import { parseDesignFile } from '../../../shared/model/file.ts';
import { DEMOS } from './demos.ts';

const CJK = /[\u4e00-\u9fff]/;

/**
 * English words left in a Chinese text, once what is meant to stay Latin is taken out: quoted
 * kernel/tool messages ("Destination already exists"), the design's own names, command lines,
 * sysctl names, addresses and protocol tokens. Three Latin words in a row is an English phrase.
 */
export function englishPhrases(text: string, names: readonly string[]): string[] {
  let rest = text.replace(/"[^"]*"/g, ' ').replace(/（[a-z][a-z -]*）/gi, ' ');
  for (const n of [...names].sort((a, b) => b.length - a.length)) if (n) rest = rest.split(n).join(' ');
  rest = rest.replace(/\biptables\b[^。，；）]*/g, ' ');
  const out: string[] = [];
  for (const m of rest.matchAll(/[A-Za-z][A-Za-z']*(?: +[A-Za-z][A-Za-z']*){2,}/g)) out.push(m[0]);
  return out;
}

const namesOf = (t: Topology): string[] => [
  t.name,
  ...t.hosts.flatMap((h) => [h.name, h.id, ...h.interfaces.flatMap((f) => [f.name, f.id])]),
  ...t.segments.flatMap((s) => [s.name, s.id]),
  ...t.services.flatMap((v) => [v.name ?? '', v.id, v.director, ...v.realServers.flatMap((r) => [r.id, r.host])]),
];

function expectChinese(t: Topology, label: string): number {
  const problems = validate(t);
  const names = namesOf(t);
  for (const p of problems) {
    for (const [what, text] of [
      ['message', p.zh.message],
      ['fix', p.zh.fix],
    ] as const) {
      expect(text, `${label} ${p.rule} zh.${what}`).toMatch(CJK);
      expect(text, `${label} ${p.rule} zh.${what} is the English text`).not.toBe(what === 'message' ? p.message : p.fix);
      expect(englishPhrases(text, names), `${label} ${p.rule} zh.${what}: ${text}`).toEqual([]);
    }
  }
  return problems.length;
}

describe('Simplified Chinese of the rules', () => {
  it('every rule has a Chinese title', () => {
    for (const r of RULES) expect(r.titleZh, r.id).toMatch(CJK);
  });

  it.each(RULES.map((r) => r.id))('%s: its demo findings carry Chinese message and fix', (id) => {
    const demo = DEMOS[id];
    expect(demo).toBeDefined();
    const t = demo!();
    const problems = validate(t);
    expect(problems.some((p) => p.rule === id)).toBe(true);
    expectChinese(t, id);
  });

  it('the examples: every finding in Chinese', () => {
    const dir = join(__dirname, '..', '..', '..', 'examples');
    let n = 0;
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.lvs.json'))) {
      const parsed = parseDesignFile(readFileSync(join(dir, f), 'utf8'));
      if (!parsed.ok) throw new Error(f);
      n += expectChinese(parsed.value.topology, f);
    }
    expect(n).toBeGreaterThan(0);
  });

  it('the English-phrase detector catches a sentence and spares names, quotes and tokens', () => {
    expect(englishPhrases('把 rs1 的网关设为 192.168.111.200 and restart it.', ['rs1'])).toEqual(['and restart it']);
    expect(englishPhrases('ipvsadm 会拒绝第二个（"Service already exists"）。', [])).toEqual([]);
    expect(englishPhrases('在 web server one 上设置 net.ipv4.conf.all.arp_ignore=1', ['web server one'])).toEqual([]);
    expect(englishPhrases('ICMP “需要分片”（fragmentation needed）报文', [])).toEqual([]);
  });
});
