/**
 * The generated scripts must parse under dash (/bin/sh here) and busybox ash (the lab VM), and pass
 * shellcheck as POSIX sh when shellcheck is installed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderAll } from '../../../shared/generators/index.ts';
import { loadExamples } from './helpers.ts';

const has = (cmd: string, args: string[]): boolean => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const hasBusybox = has('busybox', ['true']);
const hasShellcheck = has('shellcheck', ['--version']);

let dir = '';
const scripts: string[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lvsd-syntax-'));
  for (const { name, topology } of loadExamples()) {
    const all = renderAll(topology);
    if (!all.ok) throw new Error(all.error);
    for (const [host, files] of Object.entries(all.value)) {
      for (const f of files) {
        if (!f.path.endsWith('.sh')) continue;
        const p = join(dir, name, host, f.path);
        mkdirSync(dirname(p), { recursive: true });
        writeFileSync(p, f.content, { mode: f.mode });
        scripts.push(p);
      }
    }
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('generated scripts are valid POSIX sh', () => {
  it('start with #!/bin/sh and set -eu', () => {
    expect(scripts.length).toBeGreaterThan(30);
    for (const p of scripts) {
      const text = readFileSync(p, 'utf8').split('\n').slice(0, 16).join('\n');
      expect(text.startsWith('#!/bin/sh\n'), p).toBe(true);
      expect(text, p).toContain('\nset -eu\n');
    }
  });
  it('parse under dash (sh -n)', () => {
    for (const p of scripts) expect(spawnSync('sh', ['-n', p], { encoding: 'utf8' }).stderr, p).toBe('');
  });
  it.skipIf(!hasBusybox)('parse under busybox ash (busybox sh -n)', () => {
    for (const p of scripts) {
      const r = spawnSync('busybox', ['sh', '-n', p], { encoding: 'utf8' });
      expect(r.status, `${p}: ${r.stderr}`).toBe(0);
    }
  });
  // shellcheck is slow: check one script of each kind per role and method (they share all helpers).
  it.skipIf(!hasShellcheck)(
    'pass shellcheck -s sh at warning level',
    () => {
      const sample = scripts.filter((p) => /\/(dr-lab|tun-lab)\/(director|rs1|router|client)\//.test(p) || /\/nat-lab\/(director|rs1)\//.test(p));
      expect(sample.length).toBeGreaterThanOrEqual(18);
      const r = spawnSync('shellcheck', ['-s', 'sh', '-S', 'warning', ...sample], { encoding: 'utf8' });
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    },
    120_000,
  );
  it('a syntax error would be caught (the check can fail)', () => {
    const p = join(dir, 'broken.sh');
    writeFileSync(p, '#!/bin/sh\nif true; then\n');
    expect(spawnSync('sh', ['-n', p]).status).not.toBe(0);
  });
});
