/**
 * The server runtime's door: `createRuntimeServer` and the types generated servers are written
 * against, plus the typed bindings (`wsChannel`, `sseChannel`, `httpChannel`) that let a
 * generated server hand its channels' handlers to the runtime without a cast.
 */
export * from './types.ts';
export { createRuntimeServer, RuntimeServer } from './server.ts';
export type { ParamFilter } from './fanout.ts';
export { httpChannel, sseChannel, wsChannel } from './bindings.ts';
