import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  APPLY_MARKER,
  checkEnv,
  checkFilePath,
  confirmScript,
  e2eScript,
  probeScript,
  rollbackDeployScript,
  runScript,
  sq,
  stateScript,
  uploadScript,
  verifyAndRecordScript,
} from '../../../electron/services/deploy/remote.ts';
import { parseState } from '../../../electron/services/deploy/state.ts';

const dir = mkdtempSync(join(tmpdir(), 'lvsd-remote-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sh = (script: string) => spawnSync('sh', ['-s'], { input: script, encoding: 'utf8' });

describe('shell quoting and checks', () => {
  it('quotes anything for sh', () => {
    for (const v of ["it's", '$(rm -rf /)', '`id`', 'a\nb', "''"]) expect(spawnSync('sh', ['-c', `printf %s ${sq(v)}`], { encoding: 'utf8' }).stdout).toBe(v);
  });
  it('refuses unsafe file names and environment', () => {
    expect(checkFilePath('apply.sh')).toBeNull();
    expect(checkFilePath('sysctl.d/90-lvs-designer.conf')).toBeNull();
    for (const bad of ['../x', '/etc/passwd', 'a/../../b', 'a b', '.hidden', 'x;y']) expect(checkFilePath(bad), bad).not.toBeNull();
    expect(checkEnv({ LVSD_STATE_DIR: '/var/lib/x', LVSD_IPVSADM: '/usr/sbin/ipvsadm' })).toBeNull();
    expect(checkEnv({ PATH: '/bin' })).toMatch(/LVSD_/);
    expect(checkEnv({ LVSD_IP: '$(reboot)' })).toMatch(/not allowed/);
    expect(checkEnv({ LVSD_STATE_DIR: 'relative' })).toMatch(/absolute/);
    expect(checkEnv({ LVSD_STATE_DIR: '/a/../etc' })).toMatch(/absolute/);
    expect(() => uploadScript({}, 'bad id!', [])).toThrow(/deploy id/);
    expect(() => uploadScript({}, 'ok', [{ path: '../x', content: '', mode: 0o644 }])).toThrow(/unsafe/);
    expect(() => e2eScript('1.2.3.4; reboot', 80, 1)).toThrow();
  });
});

describe('upload, run and record through sh -s', () => {
  const files = [
    { path: 'apply.sh', content: "#!/bin/sh\necho \"applied $LVSD_STATE_DIR\"\necho 'it''s' `echo backtick` $HOME\n", mode: 0o755 },
    { path: 'no-newline.txt', content: 'last line without newline', mode: 0o644 },
    { path: 'tricky.txt', content: 'LVSD_EOF_rs\nLVSD_EOF_rt\n$(echo not expanded)\n', mode: 0o600 },
    { path: 'empty.conf', content: '', mode: 0o644 },
    { path: 'verify.sh', content: 'echo verified\n', mode: 0o755 },
    { path: 'rollback.sh', content: 'echo "rolled back $(pwd)"\n', mode: 0o755 },
    { path: 'sysctl.d/90-lvs-designer.conf', content: 'net.ipv4.ip_forward = 1\n', mode: 0o644 },
  ];
  const env = { LVSD_STATE_DIR: join(dir, 'state') };

  it('writes every file byte for byte with its mode', () => {
    const r = sh(uploadScript(env, 'd1', files));
    expect(r.status, r.stderr).toBe(0);
    for (const f of files) {
      const p = join(dir, 'state', 'deploy', 'd1', f.path);
      expect(readFileSync(p, 'utf8'), f.path).toBe(f.content);
      expect(statSync(p).mode & 0o777, f.path).toBe(f.mode);
    }
  });

  it('runs a script with the environment and stdin closed, then verifies and records it as current', () => {
    const r = sh(runScript(env, { deployId: 'd1' }, 'apply.sh'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`applied ${join(dir, 'state')}`);
    const v = sh(verifyAndRecordScript(env, 'd1'));
    expect(v.status, v.stderr).toBe(0);
    expect(v.stdout).toContain('verified\n@@ recorded');
    expect(readFileSync(join(dir, 'state', 'current', 'tricky.txt'), 'utf8')).toBe(files[2]!.content);
    expect(sh(runScript(env, 'current', 'missing.sh')).status).not.toBe(0);
  });

  it('uploads and applies in one command; the rollback of a failed deploy restores the previous current/', () => {
    const d2 = files.map((f) => (f.path === 'empty.conf' ? { ...f, content: 'second\n' } : f));
    const r = sh(uploadScript(env, 'd2', d2, true));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`uploaded\n${APPLY_MARKER}\napplied`);
    expect(sh(verifyAndRecordScript(env, 'd2')).status).toBe(0);
    expect(readFileSync(join(dir, 'state', 'current', 'empty.conf'), 'utf8')).toBe('second\n');
    const back = sh(rollbackDeployScript(env, 'd2'));
    expect(back.status, back.stderr).toBe(0);
    expect(back.stdout).toContain('rolled back');
    expect(readFileSync(join(dir, 'state', 'current', 'empty.conf'), 'utf8')).toBe('');
    expect(readFileSync(join(dir, 'state', 'deploy', 'd2', 'empty.conf'), 'utf8')).toBe('second\n');
  });

  it('the probe reads the state at once for root, or says it is not root', () => {
    const r = sh(probeScript(env));
    if (process.getuid?.() === 0) expect(parseState(r.stdout).uid).toBe(0);
    else expect(r.stdout).toContain('@@ notroot');
  });

  it('reads the state back, including the recorded files', () => {
    const r = sh(stateScript(env));
    expect(r.status, r.stderr).toBe(0);
    const s = parseState(r.stdout);
    expect(s.files.get('apply.sh')).toMatch(/^[0-9a-f]{64}$/);
    expect(s.files.get('sysctl.d/90-lvs-designer.conf')).toMatch(/^[0-9a-f]{64}$/);
    expect(s.addresses.get('lo')).toContain('127.0.0.1/8');
    expect(s.sysctl.get('net.ipv4.ip_forward')).toMatch(/^[01]$/);
  });
});

describe('end-to-end fetch script', () => {
  it('bounds wget with timeout(1) rather than -T (Debian 12 busybox wget crashes on -T)', () => {
    // A PATH with only stand-ins: a wget that dies like busybox 1.35 when given -T, and a timeout.
    const bin = mkdtempSync(join(dir, 'bin-'));
    const write = (name: string, body: string) =>
      spawnSync('sh', ['-c', `printf '%s\\n' "$1" > "${bin}/${name}" && chmod 755 "${bin}/${name}"`, 'sh', `#!/bin/sh\n${body}`]);
    write('wget', 'for a in "$@"; do [ "$a" = -T ] && kill -SEGV $$; done\necho rs1');
    write('timeout', 'shift; exec "$@"');
    for (const tool of ['head', 'sh'])
      spawnSync('ln', ['-s', spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim(), join(bin, tool)]);
    const run = (script: string) => spawnSync(join(bin, 'sh'), ['-s'], { input: script, encoding: 'utf8', env: { PATH: bin } });
    expect(run(e2eScript('10.0.0.1', 80, 3)).stdout).toBe('ok rs1\nok rs1\nok rs1\n');
    // without timeout(1) the script falls back to -T (fine for GNU wget); this stand-in then fails
    rmSync(join(bin, 'timeout'));
    expect(run(e2eScript('10.0.0.1', 80, 2)).stdout).toBe('fail\nfail\n');
  });
});

describe('commit-confirm timer (dash and busybox ash)', () => {
  const files = [
    { path: 'apply.sh', content: 'echo applied\n', mode: 0o755 },
    { path: 'verify.sh', content: 'echo verified\n', mode: 0o755 },
    { path: 'rollback.sh', content: 'echo "rolled back $LVSD_DEPLOY_ID" >> "$LVSD_STATE_DIR/rollbacks"\n', mode: 0o755 },
  ];
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  for (const shell of [['sh'], ['busybox', 'sh']] as const) {
    const run = (script: string) => spawnSync(shell[0], [...shell.slice(1), '-s'], { input: script, encoding: 'utf8' });
    const name = shell.join(' ');
    it(`${name}: an unconfirmed deploy rolls back by itself when the timer fires, even with the command gone`, async () => {
      const env = { LVSD_STATE_DIR: join(dir, `timer-${shell.length}`) };
      const up = run(uploadScript(env, 't1', files, true, { confirmSeconds: 1 }));
      expect(up.status, up.stderr).toBe(0);
      expect(up.stdout).toMatch(/^@@ armed 1 /m);
      expect(sh(verifyAndRecordScript(env, 't1')).status).toBe(0);
      await sleep(2500);
      expect(readFileSync(join(env.LVSD_STATE_DIR, 'deploy', 't1', '.lvsd', 'undone'), 'utf8')).toMatch(/^0 by timer at /);
      expect(readFileSync(join(env.LVSD_STATE_DIR, 'rollbacks'), 'utf8')).toBe('rolled back t1\n');
      // The record went back with it, and a late confirmation is refused.
      expect(existsSync(join(env.LVSD_STATE_DIR, 'current'))).toBe(false);
      const late = run(confirmScript(env, 't1'));
      expect(late.status).toBe(4);
      expect(late.stdout).toMatch(/@too-late 0 by timer/);
      // The engine's own rollback afterwards does not run rollback.sh twice and reports the timer's.
      const again = run(rollbackDeployScript(env, 't1'));
      expect(again.status).toBe(0);
      expect(again.stdout).toMatch(/@undone-already 0 by timer/);
      expect(readFileSync(join(env.LVSD_STATE_DIR, 'rollbacks'), 'utf8')).toBe('rolled back t1\n');
    });
    it(`${name}: a confirmed deploy stays; the timer process is stopped`, async () => {
      const env = { LVSD_STATE_DIR: join(dir, `confirm-${shell.length}`) };
      expect(run(uploadScript(env, 'c1', files, true, { confirmSeconds: 2 })).status).toBe(0);
      const pid = readFileSync(join(env.LVSD_STATE_DIR, 'deploy', 'c1', '.lvsd', 'confirm-timer.pid'), 'utf8').trim();
      const ok = run(confirmScript(env, 'c1'));
      expect(ok.status, ok.stderr).toBe(0);
      expect(ok.stdout).toContain('@confirmed');
      await sleep(2600);
      expect(existsSync(join(env.LVSD_STATE_DIR, 'deploy', 'c1', '.lvsd', 'undone'))).toBe(false);
      expect(existsSync(join(env.LVSD_STATE_DIR, 'rollbacks'))).toBe(false);
      expect(existsSync(`/proc/${pid}`)).toBe(false);
      // A failure found after the confirmation (another host) still lets the engine roll it back.
      const back = run(rollbackDeployScript(env, 'c1'));
      expect(back.status, back.stderr).toBe(0);
      expect(readFileSync(join(env.LVSD_STATE_DIR, 'rollbacks'), 'utf8')).toBe('rolled back c1\n');
    });
  }
});
