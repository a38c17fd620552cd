/**
 * streamwright's runtime: what generated code imports as `streamwright/runtime`.
 */
export type * from './contract.ts';
