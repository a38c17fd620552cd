/**
 * streamwright's client runtime: what generated `client.gen.ts` files import as
 * `streamwright/runtime/client`. Browser-safe: no static import of Node built-ins or `ws`
 * (Node loads `ws` on demand, for WebSockets only).
 */
export type * from './types.ts';
export type { ApiDescription, ChannelDescription, ReconnectSpec } from '../contract.ts';
export { StreamwrightError, RUNTIME_ERROR_CODES, type RuntimeErrorCode } from '../errors.ts';
export { reconnectDelay, mayRetry, isTerminal } from '../backoff.ts';
export { ApiClient, createApiClient, type ApiClientOptions, type ChannelOptions, type LazyValidator, type SseBinding, type WsBinding } from './api-client.ts';
export { WsChannelClient, type WsValidators } from './ws-channel.ts';
export { SseChannelClient, type SseItem } from './sse-channel.ts';
export type { HttpResponse } from './http.ts';
export { SseParser, SseMessageReader, type SseMessage, type SseBlock } from '../protocol/sse-parser.ts';
export { planAuth, channelSchemes, type AuthPlan } from './auth.ts';
export { channelUrl, type Target } from './url.ts';
