#!/usr/bin/env node
// `npm start`: builds when dist/ is missing or older than the sources, then launches Electron when
// its binary is installed — found by looking at files only (electron/services/electronBinary.ts),
// never by require('electron'), which would try to download it — and otherwise the browser mode
// `lvsd serve --open`. Extra arguments go to Electron or to `lvsd serve` respectively.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';
import { BRIDGE_BUNDLE } from './electron-bundle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
register();
const { findElectronBinary } = await import('../electron/services/electronBinary.ts');

/** Newest modification time of the files below `dir` (0 when it does not exist). */
function newest(dir) {
  let max = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) max = Math.max(max, newest(p));
    else if (e.isFile()) max = Math.max(max, statSync(p).mtimeMs);
  }
  return max;
}

const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);

function needsBuild(withElectron) {
  const rendererBuilt = mtime(join(root, 'dist/renderer/index.html'));
  if (rendererBuilt === 0) return 'the renderer is not built yet';
  const sources = Math.max(newest(join(root, 'renderer')), newest(join(root, 'shared')), mtime(join(root, 'vite.config.ts')));
  if (sources > rendererBuilt) return 'the renderer sources changed since the last build';
  if (withElectron) {
    const mainBuilt = Math.min(...['main.cjs', BRIDGE_BUNDLE, 'preload.cjs'].map((f) => mtime(join(root, 'dist-electron', f))));
    if (mainBuilt === 0) return 'the Electron main process is not built yet';
    if (Math.max(newest(join(root, 'electron')), newest(join(root, 'shared'))) > mainBuilt) return 'the Electron sources changed since the last build';
  }
  return null;
}

const passThrough = process.argv.slice(2);
const binary = findElectronBinary({ root });
const noDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
const useElectron = binary !== null && !noDisplay;

if (!binary) {
  console.log('Electron binary not installed (offline?): starting the browser mode instead; install it with `npx install-electron`.');
} else if (noDisplay) {
  console.log('npm start: Electron is installed but there is no display (DISPLAY/WAYLAND_DISPLAY unset): starting the browser mode instead.');
}

const reason = needsBuild(useElectron);
if (reason) {
  console.log(`npm start: ${reason}: running npm run build…`);
  const built = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (built.status !== 0) {
    console.error('npm start: the build failed (see above); fix it and run npm start again.');
    process.exit(built.status ?? 1);
  }
}

/** Runs a child in the foreground, forwarding Ctrl+C/SIGTERM, and exits with its status. */
function foreground(cmd, args, env = process.env) {
  const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env });
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('error', (e) => {
    console.error(`npm start: could not run ${cmd}: ${e.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

if (useElectron) {
  if (process.platform === 'linux' && process.getuid?.() === 0 && !passThrough.includes('--no-sandbox')) {
    console.log('npm start: note: Electron refuses to run as root unless you pass --no-sandbox (npm start -- --no-sandbox).');
  }
  // ELECTRON_RUN_AS_NODE in the environment would turn the app into a plain Node process.
  const { ELECTRON_RUN_AS_NODE: _ignored, ...env } = process.env;
  foreground(binary, ['.', ...passThrough], env);
} else {
  foreground(process.execPath, [join(root, 'bin/lvsd.mjs'), 'serve', '--open', ...passThrough]);
}
