#!/usr/bin/env node
// Bundles the Electron main process and the preload with esbuild:
//   electron/main/index.ts    → dist-electron/main.cjs    (Node 22 inside Electron 45)
//   electron/preload/index.ts → dist-electron/preload.cjs (sandboxed: may require only 'electron')
// `npm run build` runs it after `vite build`. Needs no Electron binary.
import { build } from 'esbuild';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importMetaUrlShim } from './electron-bundle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist-electron');
await mkdir(outdir, { recursive: true });

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  sourcemap: 'linked',
  logLevel: 'warning',
  absWorkingDir: root,
};

await Promise.all([
  build({
    ...common,
    entryPoints: [join(root, 'electron/main/index.ts')],
    outfile: join(outdir, 'main.cjs'),
    // LVSD_DEV_SERVER_URL is honoured only by a development build (LVSD_DEV_BUILD=1 npm run build).
    banner: importMetaUrlShim.banner,
    define: { ...importMetaUrlShim.define, __LVSD_DEV_BUILD__: JSON.stringify(process.env.LVSD_DEV_BUILD === '1') },
    // ssh2 has optional native parts and stays in node_modules; electron is provided at run time.
    external: ['electron', 'ssh2', 'cpu-features'],
  }),
  build({
    ...common,
    entryPoints: [join(root, 'electron/preload/index.ts')],
    outfile: join(outdir, 'preload.cjs'),
    external: ['electron'],
  }),
]);
console.log('built dist-electron/main.cjs and dist-electron/preload.cjs');
