/**
 * The keepalived steps apply.sh / rollback.sh get (shared/generators/keepalived-deploy.ts): their
 * order in apply.sh, and the reload without systemd (kill -HUP of the pid, start when not running)
 * run for real under dash and busybox ash against a stand-in keepalived process.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderHost } from '../../../shared/generators/index.ts';
import { KEEPALIVED_HELPERS } from '../../../shared/generators/keepalived-deploy.ts';
import { loadExample } from './helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'lvsd-ka-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const hasBusybox = !spawnSync('busybox', ['true']).error;
const shells = [['sh'], ...(hasBusybox ? [['busybox', 'sh']] : [])];

function filesOf(example: string, host: string): Map<string, string> {
  const r = renderHost(loadExample(example), host);
  if (!r.ok) throw new Error(r.error);
  return new Map(r.value.map((f) => [f.path, f.content]));
}

describe('apply.sh of a keepalived-owned director', () => {
  const apply = filesOf('dr-ha-lab', 'lvs1').get('apply.sh')!;
  it('checks keepalived and keepalived -t before the snapshot, installs and reloads after the VIPs', () => {
    const check = apply.indexOf('lvs_keepalived -t -f "$HERE/keepalived.conf"');
    const snapshot = apply.indexOf('mkdir -p "$ORIGIN" "$SNAP"');
    const missing = apply.indexOf('keepalived is not installed');
    const install = apply.indexOf('ka_put "$HERE/keepalived.conf"');
    expect(missing).toBeGreaterThan(0);
    expect(missing).toBeLessThan(check);
    expect(check).toBeLessThan(snapshot);
    expect(snapshot).toBeLessThan(install);
    expect(apply.indexOf('ensure_addr ')).toBeLessThan(install);
    expect(apply).not.toMatch(/systemctl restart|lvs_systemctl restart/);
    expect(apply).not.toMatch(/lvs_ipvsadm -R/);
  });
  it('an ipvsadm-owned director has no keepalived step', () => {
    const plain = filesOf('dr-lab', 'director').get('apply.sh') ?? filesOf('dr-lab', 'lvs').get('apply.sh')!;
    expect(plain).not.toMatch(/keepalived -t|ka_put/);
    expect(plain).toMatch(/boot\/install\.sh/);
  });
});

describe.skipIf(existsSync('/run/systemd/system'))('ka_reload without systemd', () => {
  for (const shell of shells) {
    it(`under ${shell.join(' ')}: kill -HUP of the running keepalived; started when not running`, () => {
      const dir = mkdtempSync(join(work, 'r-'));
      const fake = join(dir, 'keepalived');
      writeFileSync(fake, `#!/bin/sh\necho "$*" >>${dir}/started\n`, { mode: 0o755 });
      const script = [...KEEPALIVED_HELPERS, 'ka_reload "$1"'].join('\n');
      writeFileSync(join(dir, 'reload.sh'), script);
      const env = { ...process.env, LVSD_KEEPALIVED: fake, LVSD_KEEPALIVED_CONF: join(dir, 'k.conf'), LVSD_KEEPALIVED_PID: join(dir, 'k.pid') };
      // A stand-in keepalived parent that records each SIGHUP.
      const daemon = spawnSync(
        'sh',
        ['-c', `sh -c 'trap "echo HUP >>${dir}/hups" HUP; i=0; while [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done' >/dev/null 2>&1 & echo $!`],
        { encoding: 'utf8' },
      );
      const pid = daemon.stdout.trim();
      writeFileSync(join(dir, 'k.pid'), `${pid}\n`);
      spawnSync('sleep', ['0.3']);
      const r = spawnSync(shell[0]!, [...shell.slice(1), join(dir, 'reload.sh'), 'start'], { encoding: 'utf8', env });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(`keepalived reloaded (kill -HUP ${pid})`);
      spawnSync('sleep', ['0.5']);
      expect(readFileSync(join(dir, 'hups'), 'utf8')).toBe('HUP\n');
      expect(existsSync(join(dir, 'started'))).toBe(false);
      process.kill(Number(pid), 'SIGTERM');
      // The stopped daemon's pid file is gone (a pid file with words in it counts as no daemon too).
      writeFileSync(join(dir, 'k.pid'), 'not-a-pid\n');
      // Not running: "keep" leaves it stopped (rollback), "start" starts it with the installed config.
      expect(spawnSync(shell[0]!, [...shell.slice(1), join(dir, 'reload.sh'), 'keep'], { encoding: 'utf8', env }).stdout).toBe('');
      expect(existsSync(join(dir, 'started'))).toBe(false);
      const s = spawnSync(shell[0]!, [...shell.slice(1), join(dir, 'reload.sh'), 'start'], { encoding: 'utf8', env });
      expect(s.stdout).toContain('keepalived started (it was not running)');
      expect(readFileSync(join(dir, 'started'), 'utf8')).toBe(`-f ${join(dir, 'k.conf')}\n`);
    });
  }
});
