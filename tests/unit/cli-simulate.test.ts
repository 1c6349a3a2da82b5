import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run as simulateCmd } from '../../electron/cli/commands/simulate.ts';
import { run as scheduleCmd } from '../../electron/cli/commands/schedule.ts';
import type { CliCommand } from '../../electron/cli/io.ts';

async function call(cmd: CliCommand, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await cmd(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const tmp = mkdtempSync(join(tmpdir(), 'lvsd-sim-'));

describe('lvsd simulate', () => {
  it('prints the NAT trace with the article steps and exits 0', async () => {
    const r = await call(simulateCmd, 'examples/nat-lab.lvs.json', '--service', '172.16.111.123:80', '--sport', '40000');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    for (const l of ['(a)', '(b)', '(c)', '(d)', '(e)', '(f)']) expect(r.out).toContain(l);
    expect(r.out).toMatch(/#\s+art\s+place\s+L2\s+L3\s+L4\s+change\s+event\s+narration/);
    expect(r.out).toContain('director/eth0');
    expect(r.out).toContain('IPVS connection: TCP');
    expect(r.out).toMatch(/^OK: LVS-NAT works/m);
  });

  it('JSON output is the trace, and a broken flow exits 1 with the reason (Chinese too)', async () => {
    const j = await call(simulateCmd, 'examples/tun-lab.lvs.json', '--service', 'web', '--json', '--seed', '5');
    expect(j.code).toBe(0);
    const trace = JSON.parse(j.out);
    expect(trace.outcome.status).toBe('ok');
    expect(trace.steps.some((s: { kind: string }) => s.kind === 'encapsulate')).toBe(true);
    const b = await call(simulateCmd, 'examples/dr-lab.lvs.json', '--service', 'web', '--client', 'director', '--lang', 'zh');
    expect(b.code).toBe(1);
    expect(b.out).toMatch(/BROKEN \[client-on-director\]: .*调度器/);
  });

  it('refuses bad usage and bad files with exit 2', async () => {
    expect((await call(simulateCmd)).code).toBe(2);
    expect((await call(simulateCmd, 'examples/nat-lab.lvs.json')).err).toMatch(/missing --service/);
    const unknown = await call(simulateCmd, 'examples/nat-lab.lvs.json', '--service', '1.2.3.4:80');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/services: 172\.16\.111\.123:80 \(web\)/);
    expect((await call(simulateCmd, 'examples/nat-lab.lvs.json', '--service', 'web', '--client', 'ghost')).err).toMatch(/no host "ghost"/);
    expect((await call(simulateCmd, 'examples/nat-lab.lvs.json', '--service', 'web', '--sport', '70000')).code).toBe(2);
    expect((await call(simulateCmd, 'examples/nat-lab.lvs.json', '--service', 'web', '--lang', 'fr')).code).toBe(2);
    expect((await call(simulateCmd, join(tmp, 'missing.json'), '--service', 'web')).err).toMatch(/no such file/);
    expect((await call(simulateCmd, 'examples/nat-lab.lvs.json', '--service', 'web', '--real-server', 'nope')).err).toMatch(/real servers: web-rs1, web-rs2/);
    expect((await call(simulateCmd, 'examples', '--service', 'web')).err).toMatch(/is a directory/);
    const bad = join(tmp, 'bad.lvs.json');
    writeFileSync(bad, '{"format":"lvs-designer","formatVersion":2,"topology":{"hosts":7}}');
    expect((await call(simulateCmd, bad, '--service', 'web')).err).toMatch(/not a valid design/);
  });
});

describe('lvsd schedule', () => {
  it('prints the distribution and the first assignments in kernel order', async () => {
    const r = await call(scheduleCmd, 'examples/nat-lab.lvs.json', '--service', '172.16.111.123:80', '--connections', '10');
    expect(r.code).toBe(0);
    expect(r.out).toContain('kernel list order (newest first): web-rs2, web-rs1');
    expect(r.out).toMatch(/web-rs1\s+192\.168\.111\.101\s+1\s+5\s+50\.00%/);
    expect(r.out).toContain('first 10 assignments: web-rs2 web-rs1 web-rs2 web-rs1');
  });

  it('JSON output carries totals and assignments; bad numbers are refused', async () => {
    const r = await call(scheduleCmd, 'examples/large-cluster.lvs.json', '--service', 'web', '--connections', '1000', '--active', '1-30', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.totals.reduce((a: number, t: { connections: number }) => a + t.connections, 0) + j.unscheduled).toBe(1000);
    expect(j.assignments.length).toBe(20);
    expect((await call(scheduleCmd, 'examples/nat-lab.lvs.json', '--service', 'web', '--connections', 'many')).code).toBe(2);
    expect((await call(scheduleCmd, 'examples/nat-lab.lvs.json', '--service', 'web', '--connections', '5', '--active', '9-3')).code).toBe(2);
    expect((await call(scheduleCmd, 'examples/nat-lab.lvs.json', '--connections', '5')).err).toMatch(/missing --service/);
  });
});
