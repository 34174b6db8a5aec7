export * from './common.ts';
export * from './workspace.ts';
export * from './team.ts';
export * from './customers.ts';
export * from './interactions.ts';
export * from './segments.ts';
export * from './transfer.ts';
