/**
 * Typed bindings: a generated server states each channel's message types once, here, and its
 * handlers are checked against them; the runtime keeps them as the untyped handlers it calls
 * after validating every frame against the same contract.
 */
import type { ChannelParams, HttpChannelHandlers, SseChannelHandlers, WsChannelHandlers } from './types.ts';

export function wsChannel<Out, In, P = ChannelParams>(handlers: WsChannelHandlers<Out, In, P>): WsChannelHandlers {
  return handlers as WsChannelHandlers<unknown, unknown, ChannelParams> as WsChannelHandlers;
}

export function sseChannel<Events, P = ChannelParams>(handlers: SseChannelHandlers<Events, P>): SseChannelHandlers {
  return handlers as SseChannelHandlers<unknown, ChannelParams> as SseChannelHandlers;
}

export function httpChannel<Body, P = ChannelParams>(handlers: HttpChannelHandlers<Body, P>): HttpChannelHandlers {
  return handlers as HttpChannelHandlers<unknown, ChannelParams> as HttpChannelHandlers;
}
