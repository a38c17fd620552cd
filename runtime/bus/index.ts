/**
 * The message bus's door: how instances of one server share their fan-out, in memory (one
 * process) or over Redis (`ioredis` is loaded only when a Redis bus is created).
 */
export { memoryBus } from './memory.ts';
export { redisBus, type RedisBusOptions, type RedisConnectionOptions } from './redis.ts';
export type { Bus, BusNode, BusSseEvent, BusWsMessage, StreamJoin } from './types.ts';
