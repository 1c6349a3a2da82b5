#!/usr/bin/env node
// Bundles the Electron main process and the preload with esbuild:
//   electron/main/index.ts          → dist-electron/main.cjs    (Node 22 inside Electron 45)
//   electron/services/bridge/index.ts → dist-electron/bridge.cjs (the services: main loads them once its window is open)
//   electron/preload/index.ts       → dist-electron/preload.cjs (sandboxed: may require only 'electron')
// `npm run build` runs it after `vite build`. Needs no Electron binary.
import { build } from 'esbuild';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BRIDGE_BUNDLE, BRIDGE_ENTRY, importMetaUrlShim, splitBridge } from './electron-bundle.mjs';

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

// ssh2 has optional native parts and stays in node_modules; electron is provided at run time.
const external = ['electron', 'ssh2', 'cpu-features'];

await Promise.all([
  build({
    ...common,
    entryPoints: [join(root, 'electron/main/index.ts')],
    outfile: join(outdir, 'main.cjs'),
    // LVSD_DEV_SERVER_URL is honoured only by a development build (LVSD_DEV_BUILD=1 npm run build).
    banner: importMetaUrlShim.banner,
    define: { ...importMetaUrlShim.define, __LVSD_DEV_BUILD__: JSON.stringify(process.env.LVSD_DEV_BUILD === '1') },
    external,
    plugins: [splitBridge],
  }),
  build({
    ...common,
    entryPoints: [join(root, BRIDGE_ENTRY)],
    outfile: join(outdir, BRIDGE_BUNDLE),
    ...importMetaUrlShim,
    external,
  }),
  build({
    ...common,
    entryPoints: [join(root, 'electron/preload/index.ts')],
    outfile: join(outdir, 'preload.cjs'),
    external: ['electron'],
  }),
]);
console.log(`built dist-electron/main.cjs, dist-electron/${BRIDGE_BUNDLE} and dist-electron/preload.cjs`);
