import type { BuildOptions, Plugin } from 'esbuild';
/** See electron-bundle.mjs. */
export declare const importMetaUrlShim: Required<Pick<BuildOptions, 'banner' | 'define'>>;
export declare const BRIDGE_ENTRY: string;
export declare const BRIDGE_BUNDLE: string;
export declare const splitBridge: Plugin;
