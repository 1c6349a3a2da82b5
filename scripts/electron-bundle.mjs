// esbuild settings the Electron main bundle needs, shared by scripts/build-electron.mjs and the test that bundles main.

/**
 * Sources written as ES modules read their own location from `import.meta.url`, which a CommonJS bundle lacks
 * (esbuild leaves it undefined and `new URL(…, undefined)` throws at start): define it from `__filename`.
 */
export const importMetaUrlShim = {
  banner: { js: "const __lvsdImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__lvsdImportMetaUrl' },
};
