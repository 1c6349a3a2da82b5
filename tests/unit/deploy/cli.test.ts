/** `lvsd deploy` / `lvsd rollback` argument handling and refusals that happen before any SSH. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDesignFile } from '../../../shared/model/file.ts';
import { runDeployCommand } from '../../../electron/cli/commands/deploy.ts';
import { main } from '../../../electron/cli/main.ts';
import { directorRef, hostId, serviceId } from '../../../shared/model/ids.ts';

const dir = mkdtempSync(join(tmpdir(), 'lvsd-cli-deploy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function lvsd(mode: 'deploy' | 'rollback', ...args: string[]) {
  let out = '';
  let err = '';
  const code = await runDeployCommand(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) }, mode, null);
  return { code, out, err };
}

describe('lvsd deploy / rollback arguments', () => {
  it('prints usage for --help and refuses bad usage with exit 2', async () => {
    expect((await lvsd('deploy', '--help')).out).toContain('usage: lvsd deploy FILE');
    expect((await lvsd('rollback', '-h')).out).toContain('usage: lvsd rollback FILE');
    for (const args of [[], ['a', 'b'], ['f', '--bogus'], ['f', '--e2e', 'many'], ['f', '--state-dir', 'relative'], ['f', '--state-dir', '/x/../etc']]) {
      const r = await lvsd('deploy', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toContain('usage:');
    }
    const r = await lvsd('rollback', 'f', '--dry-run');
    expect(r.code).toBe(2);
    expect(r.err).toContain('belong to lvsd deploy');
  });

  it('refuses unreadable and hostile files with a clear message', async () => {
    expect((await lvsd('deploy', join(dir, 'missing.lvs.json'))).err).toContain('no such file');
    writeFileSync(join(dir, 'bad.lvs.json'), '{"format":"lvs-designer","formatVersion":2,"topology":{"hosts":"x"}}');
    const r = await lvsd('deploy', join(dir, 'bad.lvs.json'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/topology/);
  });

  it('the deploy gate: a design with errors is neither planned nor applied unless --force, which is logged', async () => {
    const file = join(dir, 'errors.lvs.json');
    writeFileSync(
      file,
      JSON.stringify(
        makeDesignFile({
          name: 'broken',
          segments: [],
          hosts: [{ id: hostId('d'), name: 'd', role: 'director', interfaces: [] }],
          services: [{ id: serviceId('s'), director: directorRef('d'), protocol: 'tcp', vip: 'not-an-ip', port: 80, scheduler: 'rr', realServers: [] }],
        }),
      ),
    );
    const apply = await lvsd('deploy', file);
    expect(apply.code).toBe(1);
    expect(apply.err).toMatch(/the design has 3 checker errors.*--force/);
    const dry = await lvsd('deploy', file, '--dry-run');
    expect(dry.code).toBe(1);
    expect(dry.err).toMatch(/checker errors/);
    expect(dry.err).not.toContain('no host of this design has an SSH endpoint');
    // The override goes through the same gate, says so, and the run goes on (to fail on no SSH host).
    const forced = await lvsd('deploy', file, '--dry-run', '--force');
    expect(forced.err).toContain('warning: OVERRIDE: going on despite 3 checker errors');
    expect(forced.err).toContain('no host of this design has an SSH endpoint');
    expect(forced.code).toBe(1);
    // Rollback is never gated.
    const rb = await lvsd('rollback', file);
    expect(rb.err).not.toMatch(/checker error/);
  });

  it('is reachable through the lvsd dispatcher', async () => {
    let out = '';
    expect(await main(['deploy', '--help'], { stdout: (t) => (out += t), stderr: () => undefined })).toBe(0);
    expect(out).toContain('--no-rollback');
    out = '';
    expect(await main(['rollback', '--help'], { stdout: (t) => (out += t), stderr: () => undefined })).toBe(0);
    expect(out).toContain('usage: lvsd rollback');
  });
});
