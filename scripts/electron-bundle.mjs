// esbuild settings the Node-side bundles need, shared by scripts/build-electron.mjs, the test that
// bundles main and the start bench.

/**
 * Sources written as ES modules read their own location from `import.meta.url`, which a CommonJS bundle lacks
 * (esbuild leaves it undefined and `new URL(…, undefined)` throws at start): define it from `__filename`.
 */
export const importMetaUrlShim = {
  banner: { js: "const __lvsdImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__lvsdImportMetaUrl' },
};

/** The services behind the bridge, bundled on their own (see `splitBridge`). */
export const BRIDGE_ENTRY = 'electron/services/bridge/index.ts';
/** The file name of that bundle, beside the entry's. */
export const BRIDGE_BUNDLE = 'bridge.cjs';

/**
 * The Node side ships as two bundles: the entry (Electron's main; `lvsd serve` in the start
 * bench) and `bridge.cjs`, the services (file schema, SSH, deploy engine, lab: most of the code).
 * `deferBridge` (electron/services/bridge/background.ts) imports them once the window or the
 * port is open; this plugin points that one import at the second bundle instead of inlining it,
 * so the entry starts without parsing them.
 */
export const splitBridge = {
  name: 'lvs-split-bridge',
  setup(build) {
    // `import('./bridge.cjs')` becomes `require('./bridge.cjs')` (CommonJS all the way, no ESM loader in Electron's main).
    build.initialOptions.supported = { ...build.initialOptions.supported, 'dynamic-import': false };
    build.onResolve({ filter: /^\.\/index\.ts$/ }, (args) =>
      /[\\/]electron[\\/]services[\\/]bridge[\\/]background\.ts$/.test(args.importer) ? { path: `./${BRIDGE_BUNDLE}`, external: true } : undefined,
    );
  },
};
