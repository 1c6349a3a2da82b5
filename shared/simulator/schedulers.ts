/**
 * The IPVS schedulers live in `./schedulers/` (a core, one file per kernel scheduler, a registry);
 * this module keeps the historical import path working.
 */
export * from './schedulers/index.ts';
