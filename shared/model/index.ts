export * from './types.ts';
export * from './schema.ts';
export * from './file.ts';
export * from './migrations.ts';
export * from './topology.ts';
export * from './health.ts';
export * from './vrrp.ts';
export * from './ha.ts';
