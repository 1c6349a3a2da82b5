// The Electron binary probe: never runs electron, only looks at files.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findElectronBinary, platformExecutable } from '../../../electron/services/electronBinary.ts';

let root: string;
const pkgDir = (): string => join(root, 'node_modules', 'electron');

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'lvsd-electron-probe-'));
  await writeFile(join(root, 'package.json'), '{"name":"probe-test"}');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('findElectronBinary', () => {
  it('is null when the electron package is absent', () => {
    expect(findElectronBinary({ root, env: {} })).toBeNull();
  });

  it('is null when the package is installed without its binary (the offline case)', async () => {
    await mkdir(pkgDir(), { recursive: true });
    await writeFile(join(pkgDir(), 'package.json'), '{"name":"electron","version":"45.4.1"}');
    expect(findElectronBinary({ root, env: {} })).toBeNull();
    await writeFile(join(pkgDir(), 'path.txt'), 'electron');
    expect(findElectronBinary({ root, env: {} })).toBeNull();
  });

  it('finds dist/<path.txt> once the binary is there', async () => {
    await mkdir(join(pkgDir(), 'dist'), { recursive: true });
    await writeFile(join(pkgDir(), 'package.json'), '{"name":"electron","version":"45.4.1"}');
    await writeFile(join(pkgDir(), 'path.txt'), 'my-electron');
    await writeFile(join(pkgDir(), 'dist', 'my-electron'), '');
    expect(findElectronBinary({ root, env: {} })).toBe(join(pkgDir(), 'dist', 'my-electron'));
  });

  it('uses the platform default without path.txt, and honours ELECTRON_OVERRIDE_DIST_PATH', async () => {
    await mkdir(join(pkgDir(), 'dist'), { recursive: true });
    await writeFile(join(pkgDir(), 'package.json'), '{"name":"electron","version":"45.4.1"}');
    await writeFile(join(pkgDir(), 'dist', 'electron'), '');
    expect(findElectronBinary({ root, env: {}, platform: 'linux' })).toBe(join(pkgDir(), 'dist', 'electron'));
    expect(findElectronBinary({ root, env: {}, platform: 'win32' })).toBeNull();
    const override = join(root, 'override');
    expect(findElectronBinary({ root, env: { ELECTRON_OVERRIDE_DIST_PATH: override }, platform: 'linux' })).toBeNull();
    await mkdir(override);
    await writeFile(join(override, platformExecutable('linux')), '');
    expect(findElectronBinary({ root, env: { ELECTRON_OVERRIDE_DIST_PATH: override }, platform: 'linux' })).toBe(join(override, 'electron'));
  });

  it('says whether this checkout has the binary without downloading anything', () => {
    const found = findElectronBinary({ root: process.cwd() });
    expect(found === null || found.includes('electron')).toBe(true);
  });
});
