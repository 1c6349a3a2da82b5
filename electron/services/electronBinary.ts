/**
 * Finds the Electron executable without running anything: since Electron 42 the `electron`
 * package downloads its binary on first `require('electron')` or first run of its bin script, so
 * probing that way would try the network. Instead: resolve `electron/package.json`, read
 * `path.txt` next to it (written by the installer; the platform default when absent), and check
 * that `dist/<path>` (or `$ELECTRON_OVERRIDE_DIST_PATH/<path>`) exists.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

export interface ElectronProbeOptions {
  /** Directory whose node_modules is searched (default: the current working directory). */
  readonly root?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly platform?: NodeJS.Platform;
}

/** The executable's path inside the Electron dist folder when path.txt is absent. */
export function platformExecutable(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  if (platform === 'win32') return 'electron.exe';
  return 'electron';
}

/** The directory of the installed `electron` package, or `null` when it is not installed. */
export function electronPackageDir(root: string = process.cwd()): string | null {
  try {
    const require = createRequire(join(resolve(root), 'package.json'));
    return dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/** Absolute path of the Electron executable, or `null` when the binary is not installed. */
export function findElectronBinary(options: ElectronProbeOptions = {}): string | null {
  const env = options.env ?? process.env;
  const pkgDir = electronPackageDir(options.root);
  if (pkgDir === null && !env.ELECTRON_OVERRIDE_DIST_PATH) return null;
  let relative = platformExecutable(options.platform ?? process.platform);
  if (pkgDir !== null) {
    const pathFile = join(pkgDir, 'path.txt');
    if (existsSync(pathFile)) {
      const written = readFileSync(pathFile, 'utf8').trim();
      if (written !== '') relative = written;
    }
  }
  const distDir = env.ELECTRON_OVERRIDE_DIST_PATH || (pkgDir !== null ? join(pkgDir, 'dist') : null);
  if (distDir === null) return null;
  const executable = resolve(distDir, relative);
  try {
    return statSync(executable).isFile() ? executable : null;
  } catch {
    return null;
  }
}
