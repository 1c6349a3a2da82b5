import type { BuildOptions } from 'esbuild';
/** See electron-bundle.mjs. */
export declare const importMetaUrlShim: Required<Pick<BuildOptions, 'banner' | 'define'>>;
