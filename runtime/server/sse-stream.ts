/**
 * An SSE channel's GET: the contract's headers, `retry:`, Last-Event-ID replay, heartbeat events
 * or keep-alive comments, the maximum stream duration, and the peer handlers talk to.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../auth/authenticate.ts';
import type { ChannelDescription } from '../contract.ts';
import { StreamwrightError } from '../errors.ts';
import { SseConnection } from '../sse/connection.ts';
import type { BusSseEvent } from '../bus/types.ts';
import type { Fanout, SseStream, StreamReader } from './fanout.ts';
import { headerValue, json } from './http-io.ts';
import type { OutboundCheck } from './outbound.ts';
import type { ConnectionInfo, RuntimeServerOptions, SseChannelHandlers } from './types.ts';

export interface SseContext {
  options: RuntimeServerOptions;
  fanout: Fanout;
  outbound: OutboundCheck;
  report(error: Error, channel?: string, connection?: number): void;
}

export async function openSse(ctx: SseContext, req: IncomingMessage, res: ServerResponse, channel: ChannelDescription, info: ConnectionInfo): Promise<void> {
  const spec = channel.sse;
  const scale = ctx.options.timeScale ?? 1;
  const handlers = (ctx.options.handlers[channel.id] ?? {}) as SseChannelHandlers;
  const refusal = await handlers.authorize?.(info);
  if (refusal) return json(res, refusal.httpStatus, { error: 'refused' });
  // The channel's validators (a lazy channel's first reader imports them) before anything is sent.
  try {
    await ctx.outbound.validators.load(channel.id);
  } catch (e) {
    ctx.report(e as Error, channel.id, info.id);
    return json(res, 500, { error: 'internal_error' });
  }
  res.writeHead(200, { ...(spec?.headers ?? { 'Content-Type': 'text/event-stream' }) });
  res.flushHeaders();
  const stream = ctx.fanout.stream(channel.id, info.params);
  const connection = new SseConnection(res, ctx.options.maxBufferedBytes ?? 1 << 20, (unsent) =>
    ctx.report(new StreamwrightError('SW_SLOW_CONSUMER', `connection ${info.id} has ${unsent} bytes unsent`), channel.id, info.id),
  );
  const lastEventId = spec?.resume?.lastEventId ? headerValue(req.headers['last-event-id']) : undefined;
  const peer = new SsePeerImpl(info, connection, stream, ctx.fanout, ctx.outbound);
  if (spec?.retryMs !== undefined) connection.write({ retry: Math.round(spec.retryMs * scale) });
  // The replay comes from the bus (another instance may hold the stream's history).
  peer.resumed = await ctx.fanout.join(stream, peer, lastEventId);
  if (!connection.isOpen) return ctx.fanout.leave(stream, peer);

  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number, fn: () => void) => {
    const t = setInterval(fn, Math.max(1, ms * scale));
    t.unref();
    timers.push(t);
  };
  const hb = channel.heartbeat;
  if (hb?.mode === 'sse-event') {
    every(hb.intervalMs, () => {
      const payload = ctx.options.heartbeatMessage?.(channel.id);
      if (payload !== undefined) peer.send(hb.message, payload);
    });
  } else if (spec?.keepAliveCommentMs) {
    every(spec.keepAliveCommentMs, () => connection.write({ comment: 'keep-alive' }));
  }
  const maxDuration = channel.limits?.maxStreamDurationMs;
  if (maxDuration) {
    const t = setTimeout(() => peer.end(), Math.max(1, maxDuration.limit * scale));
    t.unref();
    timers.push(t);
  }
  const call = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      ctx.report(new StreamwrightError('SW_HANDLER_FAILED', (e as Error).message, { cause: e }), channel.id);
    }
  };
  connection.onClose(() => {
    for (const t of timers) clearTimeout(t);
    ctx.fanout.leave(stream, peer);
    call(() => handlers.close?.(peer));
  });
  call(() => handlers.open?.(peer));
}

export class SsePeerImpl implements StreamReader {
  readonly id: number;
  readonly channel: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly principal: Principal | undefined;
  readonly request: IncomingMessage;
  resumed = false;
  cursor: string | undefined;
  held: BusSseEvent[] | undefined;
  fresh = false;

  constructor(
    info: ConnectionInfo,
    private readonly connection: SseConnection,
    private readonly stream: SseStream,
    private readonly fanout: Fanout,
    private readonly outbound: OutboundCheck,
  ) {
    this.id = info.id;
    this.channel = info.channel;
    this.params = info.params;
    this.query = info.query;
    this.principal = info.principal;
    this.request = info.request;
  }

  send(event: string, data: unknown): void {
    this.outbound.event(this.channel, event, data, 'send');
    this.write(this.fanout.sideId(this.stream, this), event, JSON.stringify(data));
  }

  writeEncoded(encoded: Buffer): void {
    this.connection.writeEncoded(encoded);
  }

  /** `burst`: part of a replay, allowed past the slow-consumer bound until the socket drains. */
  write(id: string | undefined, event: string, data: string, burst = false): void {
    this.connection.write({ id, event, data }, burst);
  }

  end(): void {
    this.connection.end();
  }
}
