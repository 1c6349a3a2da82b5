import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../electron/cli/main.ts';
import { parseDesignFile } from '../../shared/model/file.ts';

const golden = (host: string) => join(import.meta.dirname, `../fixtures/golden/nat-ha-lab/${host}/keepalived.conf`);
const tmp = mkdtempSync(join(tmpdir(), 'lvsd-pair-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => void (out += t), stderr: (t) => void (err += t) });
  return { code, out, err };
}

describe('lvsd import keepalived-pair', () => {
  it('merges the two members of the NAT HA example into one design with the group; member names from --members', async () => {
    const r = await cli('import', 'keepalived-pair', golden('lvs1'), golden('lvs2'), '--members', 'lvs1,lvs2');
    expect(r.code, r.err).toBe(0);
    const d = parseDesignFile(r.out);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    const g = d.value.topology.directorGroups![0]!;
    expect([g.name, g.vrid, g.members.map((m) => [d.value.topology.hosts.find((h) => h.id === m.host)!.name, m.state, m.priority])]).toEqual([
      'VI_NAT',
      51,
      [
        ['lvs1', 'MASTER', 150],
        ['lvs2', 'BACKUP', 100],
      ],
    ]);
    expect(r.err).toContain('lvs1 + lvs2: 1 HA group(s), 1 service(s)');
  });

  it('files that disagree: imported with the problem listed (exit 1), in English and with --lang zh in Chinese', async () => {
    const other = join(tmp, 'b.conf');
    writeFileSync(other, readFileSync(golden('lvs2'), 'utf8').replace('virtual_router_id 51', 'virtual_router_id 52'));
    const en = await cli('import', 'keepalived-pair', golden('lvs1'), other, '--members', 'lvs1,lvs2');
    expect(en.code).toBe(1);
    expect(en.err).toMatch(/error: .*virtual_router_id|error: .*vrid/);
    expect(parseDesignFile(en.out).ok, 'the design is still written').toBe(true);
    const zh = await cli('import', 'keepalived-pair', golden('lvs1'), other, '--members', 'lvs1,lvs2', '--lang', 'zh');
    expect(zh.code).toBe(1);
    expect(zh.err).toMatch(/error: .*[\u4e00-\u9fff]/);
    expect(zh.err).toContain('个 HA 组');
  });

  it('member names from the file names; bad usage and unreadable files are refused', async () => {
    const a = join(tmp, 'lb-a.conf');
    const b = join(tmp, 'lb-b.conf');
    writeFileSync(a, readFileSync(golden('lvs1'), 'utf8'));
    writeFileSync(b, readFileSync(golden('lvs2'), 'utf8'));
    const r = await cli('import', 'keepalived-pair', a, b);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('lb-a + lb-b:');
    expect((await cli('import', 'keepalived-pair', a)).code).toBe(2);
    expect((await cli('import', 'keepalived-pair', a, b, '--members', 'x')).code).toBe(2);
    expect((await cli('import', 'keepalived-pair', a, b, '--members', 'x,x')).code).toBe(2);
    const missing = await cli('import', 'keepalived-pair', a, join(tmp, 'nope.conf'), '--lang', 'zh');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('无法读取');
    expect((await cli('import', 'keepalived', a, '--members', 'x')).code).toBe(2);
  });
});
