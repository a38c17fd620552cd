/**
 * streamwright's runtime: what generated code imports as `streamwright/runtime`.
 */
export type * from './contract.ts';
export * from './errors.ts';
export * from './address.ts';
export * from './backoff.ts';
export { createRuntimeServer, RuntimeServer, CLOSE, httpChannel, sseChannel, wsChannel } from './server/index.ts';
export type { ParamFilter } from './server/index.ts';
export { memoryBus } from './bus/memory.ts';
export { redisBus, type RedisBusOptions, type RedisConnectionOptions } from './bus/redis.ts';
export type { Bus, BusNode, BusSseEvent, BusWsMessage, StreamJoin } from './bus/types.ts';
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
export type { Principal, AuthVerifiers } from './auth/authenticate.ts';
export { signJwt, verifyJwt } from './auth/jwt.ts';
