// `lvsd serve` argument handling: refusals with clear messages, and a start on a random port.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startServe, writeRedirectPage } from '../../../electron/cli/commands/serve.ts';
import { EXIT } from '../../../electron/cli/io.ts';

let dir: string;
const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) }, out, err };
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lvsd-serve-cmd-'));
  await mkdir(join(dir, 'static'));
  await writeFile(join(dir, 'static', 'index.html'), '<!doctype html>');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('lvsd serve arguments', () => {
  it('refuses any host but 127.0.0.1', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'localhost']) {
      const c = capture();
      expect(await startServe(['--host', host, '--static-dir', join(dir, 'static')], c.io)).toBe(EXIT.unusable);
      expect(c.err.join('')).toMatch(/refusing --host/);
    }
  });

  it('says to build when the renderer is missing', async () => {
    const c = capture();
    expect(await startServe(['--static-dir', join(dir, 'nothing-here')], c.io)).toBe(EXIT.unusable);
    expect(c.err.join('')).toContain('run npm run build');
  });

  it('builds the renderer on first use when the default directory is missing (as npm start does)', async () => {
    const c = capture();
    const target = join(dir, 'built-on-demand');
    let builds = 0;
    const build = (): null => {
      builds++;
      mkdirSync(target, { recursive: true });
      writeFileSync(join(target, 'index.html'), '<!doctype html>');
      return null;
    };
    const started = await startServe(['--port', '0', '--data-dir', join(dir, 'data')], c.io, { build, defaultStaticDir: target });
    if (typeof started === 'number') throw new Error(c.err.join(''));
    await started.server.close();
    expect(builds).toBe(1);
    const failing = capture();
    expect(await startServe(['--port', '0'], failing.io, { build: () => 'vite build exited with 1', defaultStaticDir: join(dir, 'never') })).toBe(
      EXIT.unusable,
    );
    expect(failing.err.join('')).toContain('could not build the renderer: vite build exited with 1');
  });

  it('refuses a bad port or token and unknown options', async () => {
    for (const args of [['--port', '70000'], ['--port', 'abc'], ['--token', 'short'], ['--token', 'has space in it'], ['--bogus']]) {
      const c = capture();
      expect(await startServe([...args, '--static-dir', join(dir, 'static')], c.io), args.join(' ')).toBe(EXIT.unusable);
    }
  });

  it('starts on a random port with a fresh 64-hex-digit token and prints the address', async () => {
    const c = capture();
    const started = await startServe(['--port', '0', '--static-dir', join(dir, 'static'), '--data-dir', join(dir, 'data')], c.io);
    if (typeof started === 'number') throw new Error(c.err.join(''));
    try {
      expect(started.server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{64}$/);
      expect(c.out.join('')).toContain(started.server.url);
      const res = await fetch(started.server.origin);
      expect(res.status).toBe(200);
    } finally {
      await started.server.close();
    }
  });

  it('--token-file: a private file is read, one readable by others is refused; --token warns', async () => {
    const good = join(dir, 'token-good');
    writeFileSync(good, 'file-token-1234\n', { mode: 0o600 });
    const c = capture();
    const started = await startServe(['--token-file', good, '--static-dir', join(dir, 'static'), '--data-dir', join(dir, 'data')], c.io);
    if (typeof started === 'number') throw new Error(c.err.join(''));
    try {
      expect(started.server.url).toMatch(/#token=file-token-1234$/);
    } finally {
      await started.server.close();
    }
    const open = join(dir, 'token-open');
    writeFileSync(open, 'file-token-1234\n', { mode: 0o644 });
    const c2 = capture();
    expect(await startServe(['--token-file', open, '--static-dir', join(dir, 'static')], c2.io)).toBe(EXIT.unusable);
    expect(c2.err.join('')).toMatch(/readable by others.*chmod 600/);
    const c3 = capture();
    const s3 = await startServe(['--token', 'cmdline-token-1', '--static-dir', join(dir, 'static'), '--data-dir', join(dir, 'data')], c3.io);
    if (typeof s3 === 'number') throw new Error(c3.err.join(''));
    await s3.server.close();
    expect(c3.err.join('')).toMatch(/warning: --token puts the token on the command line/);
  });

  it('--open hands the opener a private page, never the address with the token', () => {
    const url = 'http://127.0.0.1:1234/#token=secret-token-xyz';
    const page = writeRedirectPage(url);
    try {
      expect(statSync(page.file).mode & 0o777).toBe(0o600);
      expect(statSync(dirname(page.file)).mode & 0o777).toBe(0o700);
      expect(readFileSync(page.file, 'utf8')).toContain('url=http://127.0.0.1:1234/#token=secret-token-xyz');
      expect(page.file).not.toContain('secret-token');
    } finally {
      page.remove();
    }
    expect(existsSync(page.file)).toBe(false);
  });
});
