/**
 * The packet-flow simulator lives in `./trace/` (step function and stages, narration tables per
 * language, fault classification); this module keeps the historical import path working.
 */
export * from './trace/index.ts';
