/**
 * streamwright's runtime: what generated code imports as `streamwright/runtime`, and the door
 * through which the other rooms reach the server runtime. The runtime's other doors:
 * `client/index.ts` (`streamwright/runtime/client`, browser-safe), `protocol/index.ts` (frames and
 * the SSE parser), `seeded/index.ts` (random source and clock), `auth/index.ts` and
 * `bus/index.ts` (also re-exported here). Nothing else in runtime/ is imported from outside it.
 */
export type * from './contract.ts';
export * from './errors.ts';
export * from './address.ts';
export * from './backoff.ts';
export { createRuntimeServer, RuntimeServer, CLOSE, httpChannel, sseChannel, wsChannel } from './server/index.ts';
export type { ParamFilter } from './server/index.ts';
export { memoryBus, redisBus, type RedisBusOptions, type RedisConnectionOptions } from './bus/index.ts';
export type { Bus, BusNode, BusSseEvent, BusWsMessage, StreamJoin } from './bus/index.ts';
export type {
  ChannelParams,
  ChannelValidator,
  ChannelValidators,
  ConnectionInfo,
  EventValidator,
  MessageValidator,
  SseRefusal,
  WsRefusal,
  HttpChannelHandlers,
  RuntimeServerOptions,
  SseChannelHandlers,
  SsePeer,
  ValidationResult,
  WsChannelHandlers,
  WsPeer,
} from './server/types.ts';
export type { CorsOptions } from './server/cors.ts';
export type { Principal, AuthVerifiers } from './auth/index.ts';
export { signJwt, verifyJwt } from './auth/index.ts';
export { logRecord, type LogRecord, type RuntimeEventInfo } from './server/log.ts';
