import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../electron/cli/main.ts';
import type { CliIO } from '../../electron/cli/io.ts';

const dir = mkdtempSync(join(tmpdir(), 'lvsd-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture(): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdout: (t) => void (out += t), stderr: (t) => void (err += t), out: () => out, err: () => err };
}

const example = (name: string) => join(__dirname, '../../examples', name);

/** Writes the NAT example with `change` applied to its parsed JSON. */
function variant(name: string, change: (doc: { topology: { hosts: { id: string; gateway?: string; sysctl?: unknown }[] } }) => void): string {
  const doc = JSON.parse(readFileSync(example('nat-lab.lvs.json'), 'utf8'));
  change(doc);
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

describe('lvsd validate', () => {
  it('exits 0 with a summary for a clean design', async () => {
    const io = capture();
    expect(await main(['validate', example('nat-lab.lvs.json')], io)).toBe(0);
    expect(io.out()).toMatch(/nat-lab\.lvs\.json: 0 errors, 0 warnings, 0 info — the design has no errors\.\n$/);
    expect(io.err()).toBe('');
  });

  it('exits 0 when there are only warnings, and groups them', async () => {
    const io = capture();
    expect(await main(['validate', example('tun-lab.lvs.json')], io)).toBe(0);
    expect(io.out()).toContain('Warnings (1):\n  warning [tun/mtu] ');
    expect(io.out()).toContain('    fix: Set the MTU');
    expect(io.out()).toContain('    refs: web, rs1, rs2');
    expect(io.out()).not.toContain('Errors');
  });

  it('exits 1 and prints errors before warnings with message, fix and refs', async () => {
    const file = variant('broken.lvs.json', (d) => {
      const rs1 = d.topology.hosts.find((h) => h.id === 'rs1')!;
      rs1.gateway = '192.168.111.2000';
      d.topology.hosts.find((h) => h.id === 'director')!.sysctl = {};
    });
    const io = capture();
    expect(await main(['validate', file], io)).toBe(1);
    const out = io.out();
    expect(out.indexOf('Errors (')).toBeLessThan(out.indexOf('[addr/malformed]'));
    expect(out).toContain('error [addr/malformed] rs1\'s default gateway "192.168.111.2000" is not a valid IPv4 address');
    expect(out).toContain("    fix: Set rs1's gateway to 192.168.111.200.");
    expect(out).toContain('error [nat/ip-forward-off]');
    expect(out).toMatch(/broken\.lvs\.json: 3 errors, 0 warnings, 0 info\n$/);
  });

  it('--json prints exactly {"problems":[...]} with rule, severity, message, fix, refs', async () => {
    const file = variant('broken2.lvs.json', (d) => {
      d.topology.hosts.find((h) => h.id === 'director')!.sysctl = {};
    });
    const io = capture();
    expect(await main(['validate', file, '--json'], io)).toBe(1);
    const doc = JSON.parse(io.out());
    expect(Object.keys(doc)).toEqual(['problems']);
    expect(doc.problems.length).toBeGreaterThan(0);
    for (const p of doc.problems) expect(Object.keys(p)).toEqual(['rule', 'severity', 'message', 'fix', 'refs']);
    expect(doc.problems).toEqual([
      {
        rule: 'nat/ip-forward-off',
        severity: 'error',
        message: expect.stringContaining('does not forward packets (ip_forward is off)'),
        fix: 'Turn on ip_forward on director (net.ipv4.ip_forward=1 in /etc/sysctl.conf, then sysctl -p).',
        refs: ['director', 'web'],
      },
    ]);
    const clean = capture();
    expect(await main(['validate', '--json', example('dr-lab.lvs.json')], clean)).toBe(0);
    expect(clean.out()).toBe('{"problems":[]}\n');
  });

  it('--lang zh prints the report, the JSON and the rule list in Simplified Chinese', async () => {
    const file = variant('broken-zh.lvs.json', (d) => {
      d.topology.hosts.find((h) => h.id === 'director')!.sysctl = {};
    });
    const io = capture();
    expect(await main(['validate', file, '--lang', 'zh'], io)).toBe(1);
    expect(io.out()).toContain('错误 (1):');
    expect(io.out()).toContain('[nat/ip-forward-off] 调度器（director） 有 NAT 真实服务器');
    expect(io.out()).toContain('修复: 在 director 上打开 ip_forward');
    expect(io.out()).not.toContain('does not forward');
    const json = capture();
    expect(await main(['validate', file, '--json', '--lang', 'zh'], json)).toBe(1);
    const doc = JSON.parse(json.out());
    expect(Object.keys(doc.problems[0])).toEqual(['rule', 'severity', 'message', 'fix', 'refs']);
    expect(doc.problems[0].message).toMatch(/不转发数据包/);
    const rules = capture();
    expect(await main(['validate', '--rules', '--lang', 'zh'], rules)).toBe(0);
    expect(rules.out()).toContain('NAT 调度器不转发数据包');
    const bad = capture();
    expect(await main(['validate', file, '--lang', 'fr'], bad)).toBe(2);
    expect(bad.err()).toContain('--lang must be en or zh');
  });

  it('exits 2 with the field path on stderr when the file does not parse', async () => {
    const file = join(dir, 'bad-ref.lvs.json');
    const doc = JSON.parse(readFileSync(example('nat-lab.lvs.json'), 'utf8'));
    doc.topology.hosts[0].interfaces[1].segment = 'x';
    writeFileSync(file, JSON.stringify(doc));
    const io = capture();
    expect(await main(['validate', file], io)).toBe(2);
    expect(io.err()).toContain('topology.hosts[0].interfaces[1].segment: unknown segment "x"');
    expect(io.out()).toBe('');
  });

  it('exits 2 for invalid JSON, a missing file, a directory and bad usage', async () => {
    const junk = join(dir, 'junk.lvs.json');
    writeFileSync(junk, '{"format": "lvs-designer", ');
    for (const [args, expected] of [
      [['validate', junk], 'not valid JSON'],
      [['validate', join(dir, 'missing.lvs.json')], 'no such file'],
      [['validate', dir], 'is a directory'],
      [['validate'], 'missing FILE'],
      [['validate', 'a', 'b'], 'unexpected argument "b"'],
      [['validate', '--frobnicate', 'a'], 'Unknown option'],
    ] as const) {
      const io = capture();
      expect(await main([...args], io), args.join(' ')).toBe(2);
      expect(io.err()).toContain(expected);
    }
  });

  it('--rules lists every rule, as text or JSON', async () => {
    const io = capture();
    expect(await main(['validate', '--rules'], io)).toBe(0);
    expect(io.out()).toMatch(/^addr\/malformed +error +Malformed address/m);
    expect(io.out()).toMatch(/^\d+ rules; details in docs\/rules\.md\n$/m);
    const json = capture();
    expect(await main(['validate', '--rules', '--json'], json)).toBe(0);
    const doc = JSON.parse(json.out()) as { rules: { id: string; severity: string }[] };
    expect(doc.rules.map((r) => r.id)).toContain('nat/reply-not-via-director');
    const bad = capture();
    expect(await main(['validate', '--rules', 'x.lvs.json'], bad)).toBe(2);
  });

  it('reads a version 1 file through the migration', async () => {
    const io = capture();
    expect(await main(['validate', join(__dirname, '../fixtures/model/v1-nat.lvs.json')], io)).toBe(0);
    expect(io.out()).toContain('0 errors');
  });
});
