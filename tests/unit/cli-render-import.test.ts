import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../electron/cli/main.ts';
import { parseDesignFile } from '../../shared/model/file.ts';

const ROOT = join(import.meta.dirname, '../..');
const example = (n: string) => join(ROOT, 'examples', `${n}.lvs.json`);
const tmp = mkdtempSync(join(tmpdir(), 'lvsd-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => void (out += t), stderr: (t) => void (err += t) });
  return { code, out, err };
}

describe('lvsd render', () => {
  it('prints a single file raw (pipe into ipvsadm -R)', async () => {
    const r = await cli('render', example('nat-lab'), '--host', 'director', '--target', 'ipvsadm');
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      '-A -t 172.16.111.123:80 -s wrr\n-a -t 172.16.111.123:80 -r 192.168.111.101:80 -m -w 1\n-a -t 172.16.111.123:80 -r 192.168.111.102:80 -m -w 1\n',
    );
  });
  it('prints several files with headers; --target script includes sysctl.d', async () => {
    const r = await cli('render', example('dr-lab'), '--host', 'rs1', '--target', 'script');
    expect(r.code).toBe(0);
    for (const p of ['apply.sh', 'verify.sh', 'rollback.sh', 'sysctl.d/90-lvs-designer.conf']) expect(r.out).toContain(`### rs1/${p} (`);
    // A real server gets no keepalived.conf (its rollback.sh can still put back a keepalived.conf an earlier deploy replaced).
    expect(r.out).not.toContain('### rs1/keepalived.conf');
  });
  it('writes DIR/<host>/<path> with modes for --all', async () => {
    const out = join(tmp, 'tun');
    const r = await cli('render', example('tun-lab'), '--all', '--out', out);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^wrote \d+ file\(s\) for 5 host\(s\)/);
    expect(statSync(join(out, 'rs1/apply.sh')).mode & 0o777).toBe(0o755);
    expect(statSync(join(out, 'director/keepalived.conf')).mode & 0o777).toBe(0o644);
    expect(readFileSync(join(out, 'rs1/modules-load.d/lvs-designer.conf'), 'utf8')).toContain('ipip');
  });
  it('refuses to write outside DIR (a host id "..")', async () => {
    const design = JSON.parse(readFileSync(example('nat-lab'), 'utf8'));
    design.topology.hosts[0].id = '..';
    for (const s of design.topology.services) for (const r of s.realServers) if (r.host === 'client') r.host = '..';
    const f = join(tmp, 'evil.lvs.json');
    writeFileSync(f, JSON.stringify(design));
    const out = join(tmp, 'evil-out');
    const r = await cli('render', f, '--all', '--out', out);
    // The file format already refuses "." and ".." as ids (they would name directories), so the
    // design does not even load; render's own path guard stays as a second line of defence.
    expect(r.code).toBe(2);
    expect(r.err).toContain('topology.hosts[0].id');
    expect(existsSync(join(tmp, 'apply.sh'))).toBe(false);
    expect(existsSync(out)).toBe(false);
  });
  it('exit 1 with the field named for a hostile design, 2 for unreadable input and bad usage', async () => {
    const design = JSON.parse(readFileSync(example('dr-lab'), 'utf8'));
    design.topology.hosts[3].interfaces[1].name = 'eth0;reboot';
    const f = join(tmp, 'bad.lvs.json');
    writeFileSync(f, JSON.stringify(design));
    const bad = await cli('render', f, '--host', 'rs1');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('interfaces[1] (rs1-eth0).name');
    expect(bad.out).toBe('');
    expect((await cli('render', join(tmp, 'missing.json'))).code).toBe(2);
    expect((await cli('render', example('dr-lab'), '--host', 'nope')).code).toBe(2);
    expect((await cli('render', example('dr-lab'), '--target', 'nginx')).code).toBe(2);
    expect((await cli('render')).code).toBe(2);
  });
});

describe('lvsd import', () => {
  it('imports the seed article: design JSON on stdout, problems with line numbers on stderr, exit 1', async () => {
    const f = join(ROOT, 'tests/fixtures/import/seed-dr.txt');
    const r = await cli('import', 'commands', f);
    expect(r.code).toBe(1);
    const design = parseDesignFile(r.out);
    expect(design.ok).toBe(true);
    expect(r.err).toContain(`${f}:15: error: flags glued together: "-m-w"`);
  });
  it('auto detects the kind: the raw seed article is read as commands, both labs imported', async () => {
    const r = await cli('import', 'auto', join(ROOT, 'tests/fixtures/import/seed-article.txt'));
    expect(r.err).toContain('read as commands');
    const design = parseDesignFile(r.out);
    if (!design.ok) throw new Error(design.error.message);
    expect(design.value.topology.services.map((s) => s.vip).sort()).toEqual(['172.16.111.123', '172.17.253.100']);
  });
  it('a clean ipvsadm -S import exits 0 and round-trips through render', async () => {
    const rules = join(tmp, 'rules.txt');
    writeFileSync(rules, (await cli('render', example('dr-lab'), '--host', 'director', '--target', 'ipvsadm')).out);
    const r = await cli('import', 'ipvsadm', rules, '--name', 'from rules');
    expect(r.code, r.err).toBe(0);
    const design = parseDesignFile(r.out);
    if (!design.ok) throw new Error(design.error.message);
    expect(design.value.topology.name).toBe('from rules');
    const f = join(tmp, 'imported.lvs.json');
    writeFileSync(f, r.out);
    const again = await cli('render', f, '--host', 'director', '--target', 'ipvsadm');
    expect(again.out).toBe(readFileSync(rules, 'utf8'));
  });
  it('exit 2 for unknown kinds, missing files and binary input', async () => {
    expect((await cli('import', 'nginx', 'x')).code).toBe(2);
    expect((await cli('import', 'ipvsadm', join(tmp, 'nope'))).code).toBe(2);
    const bin = join(tmp, 'bin');
    writeFileSync(bin, Buffer.from([0, 1, 2, 3]));
    expect((await cli('import', 'keepalived', bin)).code).toBe(2);
  });
});
