/**
 * The survey metrics library: pure functions, one definition of each metric for the rollups, the
 * results API, the trend, exports and the response page (REFERENCE.md §1–3).
 */
export * from './interval.ts';
export * from './nps.ts';
export * from './scales.ts';
export * from './servqual.ts';
export * from './response-rate.ts';
export { negativeSignal } from './negative.ts';
