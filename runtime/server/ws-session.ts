import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import { authenticate, type Principal } from '../auth/authenticate.ts';
import type { ChannelDescription, SecuritySchemeDescription } from '../contract.ts';
import { StreamwrightError } from '../errors.ts';
import { isJsonObject as isRecord, messageTag, readJson } from '../protocol/frame.ts';
import { flushAtTickEnd, joinParts, type TickFlushable } from '../tick-batch.ts';
import { RateWindow } from '../ws/rate.ts';
import { OutboundCheck, summary } from './outbound.ts';
import { CLOSE, type RuntimeServerOptions, type WsChannelHandlers, type WsPeer } from './types.ts';

export interface WsSessionInit {
  id: number;
  ws: WebSocket;
  /** The upgraded TCP socket under `ws`, for writing broadcast frames built once. */
  socket: Duplex;
  channel: ChannelDescription;
  params: Record<string, string>;
  url: URL;
  request: IncomingMessage;
  principal: Principal | undefined;
  /** Set when the credential is expected in the first message. */
  pendingScheme: SecuritySchemeDescription | undefined;
  handlers: WsChannelHandlers;
  options: RuntimeServerOptions;
  outbound: OutboundCheck;
  /** Runs the channel's authorization hook; returns false when it refused (and closed). */
  authorize(session: WsSession): Promise<boolean>;
  onClosed(session: WsSession): void;
}

/**
 * One WebSocket connection on a channel: first-message auth, inbound validation and limits,
 * the contract's heartbeat and pong timeout, protocol pings, bounded send buffer.
 */
export class WsSession implements WsPeer, TickFlushable {
  readonly id: number;
  readonly channel: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly request: IncomingMessage;
  principal: Principal | undefined;

  private readonly ws: WebSocket;
  private readonly spec: ChannelDescription;
  private readonly init: WsSessionInit;
  private readonly scale: number;
  private readonly rate: RateWindow | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private pongDeadline: NodeJS.Timeout | undefined;
  private alive = true;
  private opened = false;
  /** Frames that arrive while the first-message credential is being checked, replayed after. */
  private held: [RawData, boolean][] | undefined;
  private closed = false;
  /** Cut off as a slow consumer. */
  private cut = false;
  /** Broadcast frames of this tick, written together at its end (see tick-batch.ts). */
  private readonly frames: Buffer[] = [];
  private frameBytes = 0;

  constructor(init: WsSessionInit) {
    this.init = init;
    this.id = init.id;
    this.ws = init.ws;
    this.spec = init.channel;
    this.channel = init.channel.id;
    this.params = init.params;
    this.query = init.url.searchParams;
    this.request = init.request;
    this.principal = init.principal;
    this.scale = init.options.timeScale ?? 1;
    const perSecond = init.channel.limits?.maxMessagesPerSecond;
    this.rate = perSecond ? new RateWindow(perSecond.limit) : undefined;

    this.ws.on('message', (data, isBinary) => this.receive(data, isBinary));
    this.ws.on('pong', () => (this.alive = true));
    this.ws.on('close', (code, reason) => this.finish(code, reason.toString()));
    this.ws.on('error', (error) => this.report(peerError(error)));

    const ping = (init.options.pingIntervalMs ?? 30_000) * this.scale;
    this.every(ping, () => {
      if (!this.alive) return this.ws.terminate();
      this.alive = false;
      this.ws.ping();
    });

    if (init.pendingScheme) {
      const deadline = (init.pendingScheme.auth?.credential.deadlineMs ?? 5000) * this.scale;
      this.deadline(deadline, () => {
        // The deadline is for the credential to arrive: one that did (held is set) is being
        // checked, and a slow check on a loaded machine is not the client's lateness.
        if (!this.opened && this.held === undefined) this.reject(new StreamwrightError('SW_AUTH_DEADLINE'), 'authentication deadline exceeded');
      });
    } else {
      void this.open();
    }
  }

  send(message: unknown): void {
    if (this.closed) return;
    this.init.outbound.message(this.channel, message, 'send');
    this.sendRaw(JSON.stringify(message));
  }

  /** Sends text that is already a validated, serialised message. */
  sendRaw(text: string): void {
    if (this.closed) return;
    // After the broadcasts queued before it, as the application ordered them.
    this.flushTick();
    this.ws.send(text);
    this.boundBacklog();
  }

  /**
   * Queues a text frame built once for every recipient (broadcast); the tick's frames leave in
   * one socket write at its end. Writing beside ws is safe because permessage-deflate is off and
   * every ws write of this session (send, close) flushes the queue first, so frames keep their
   * order.
   */
  sendFrame(frame: Buffer): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    if (this.frames.length === 0) flushAtTickEnd(this);
    this.frames.push(frame);
    this.frameBytes += frame.length;
    this.boundBacklog();
  }

  flushTick(): void {
    if (this.frames.length === 0) return;
    const data = joinParts(this.frames);
    this.frames.length = 0;
    this.frameBytes = 0;
    if (!this.closed && this.ws.readyState === this.ws.OPEN) this.init.socket.write(data);
  }

  /** A peer that does not read is cut off once its unsent bytes pass the bound. */
  private boundBacklog(): void {
    const max = this.init.options.maxBufferedBytes ?? 1 << 20;
    // Sends go on while the close handshake runs: the cut is reported and started once.
    const unsent = this.ws.bufferedAmount + this.frameBytes;
    if (unsent > max && !this.cut) {
      this.cut = true;
      this.report(new StreamwrightError('SW_SLOW_CONSUMER', `connection ${this.id} has ${unsent} bytes unsent`, { status: CLOSE.tryAgainLater }));
      this.close(CLOSE.tryAgainLater, 'slow consumer');
      // A peer that does not read will not read a close frame either.
      this.after(1000 * this.scale, () => this.ws.terminate());
    }
  }

  sendError(code: string, message: string): void {
    const payload = this.init.options.errorMessage?.(this.channel, code, message);
    if (payload === undefined) return;
    try {
      this.send(payload);
    } catch (e) {
      this.report(e as Error);
    }
  }

  /** Authenticated, authorised and not closed: the session may receive application messages. */
  get isOpen(): boolean {
    return this.opened && !this.closed;
  }

  close(code: number, reason = ''): void {
    this.flushTick();
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(code, reason.slice(0, 123));
  }

  /** Closes with 1001 for a server shutdown. */
  shutdown(): void {
    this.close(CLOSE.goingAway, 'server shutting down');
  }

  private async open() {
    if (this.closed) return;
    if (!(await this.init.authorize(this))) return;
    this.opened = true;
    this.startHeartbeat();
    this.call(() => this.init.handlers.open?.(this));
  }

  private startHeartbeat() {
    const hb = this.spec.heartbeat;
    if (!hb || hb.mode !== 'message') return;
    this.every(hb.intervalMs * this.scale, () => {
      const payload = this.init.options.heartbeatMessage?.(this.channel);
      if (payload === undefined) return;
      try {
        this.send(payload);
      } catch (e) {
        this.report(e as Error);
      }
      if (hb.pong && this.pongDeadline === undefined) {
        const { timeoutMs, closeCode } = hb.pong;
        this.pongDeadline = this.deadline(timeoutMs * this.scale, () => {
          if (this.pongDeadline === undefined) return;
          this.report(new StreamwrightError('SW_PONG_TIMEOUT', `connection ${this.id} sent no pong in ${timeoutMs} ms`, { status: closeCode ?? 4408 }));
          this.close(closeCode ?? 4408, 'pong timeout');
        });
      }
    });
  }

  private receive(data: RawData, isBinary: boolean) {
    if (this.closed) return;
    if (this.held) {
      if (this.held.length >= MAX_HELD_FRAMES) return this.close(CLOSE.policy, 'too many frames before authentication');
      this.held.push([data, isBinary]);
      return;
    }
    const limits = this.spec.limits;
    if (this.rate && limits?.maxMessagesPerSecond && !this.rate.take(this.now())) {
      const { onExceed } = limits.maxMessagesPerSecond;
      if (onExceed.errorCode) this.sendError(onExceed.errorCode, `more than ${limits.maxMessagesPerSecond.limit} messages per second; message dropped`);
      if (onExceed.action === 'close' || onExceed.action === 'error-and-close') this.close(onExceed.closeCode ?? CLOSE.policy, onExceed.reason ?? 'rate limit');
      return;
    }
    if (isBinary) {
      this.refuseFrame(new StreamwrightError('SW_FRAME_BINARY', 'binary frames are not part of this contract; send JSON text'));
      return;
    }
    const json = readJson(data.toString());
    if (!json.ok) {
      this.refuseFrame(new StreamwrightError('SW_FRAME_NOT_JSON', 'the frame is not JSON'));
      return;
    }
    const message = json.value;
    // A pong counts on its tag alone: one extra field must not leave the heartbeat unanswered
    // and get a live connection cut (the frame is still refused below if it breaks the contract).
    const hb = this.spec.heartbeat;
    if (this.opened && hb?.mode === 'message' && hb.pong && messageTag(message, this.spec.tagProperty) === hb.pong.message) this.pongArrived();
    const verdict = this.init.outbound.validators.get(this.channel)?.receive?.(message);
    if (!verdict) {
      this.refuseFrame(new StreamwrightError('SW_FRAME_INVALID', 'this channel accepts no client messages'), message);
      return;
    }
    if (!verdict.ok) {
      this.refuseFrame(new StreamwrightError('SW_FRAME_INVALID', `invalid message: ${summary(verdict.errors)}`, { details: verdict.errors ?? [] }), message);
      return;
    }
    const tag = messageTag(message, this.spec.tagProperty);
    if (!this.opened) {
      void this.firstMessage(message, tag);
      return;
    }
    if (hb?.mode === 'message' && hb.pong && tag === hb.pong.message) return;
    // A repeated auth message after the connection is open changes nothing.
    if (this.init.pendingScheme && tag === this.init.pendingScheme.auth?.credential.message) return;
    this.call(() => this.init.handlers.message?.(this, message));
  }

  private pongArrived() {
    if (this.pongDeadline === undefined) return;
    clearTimeout(this.pongDeadline);
    this.timers.delete(this.pongDeadline);
    this.pongDeadline = undefined;
  }

  private async firstMessage(message: unknown, tag: string | null) {
    const scheme = this.init.pendingScheme;
    const credential = scheme?.auth?.credential;
    if (!scheme || !credential || tag !== credential.message || !isRecord(message) || typeof message[credential.property ?? 'token'] !== 'string') {
      this.reject(new StreamwrightError('SW_AUTH_MISSING', `the first message must be "${credential?.message}"`), 'authentication required');
      return;
    }
    this.held = [];
    try {
      this.principal = await authenticate(scheme, message[credential.property ?? 'token'] as string, this.init.options.auth);
    } catch (e) {
      this.held = undefined;
      this.reject(e instanceof StreamwrightError ? e : new StreamwrightError('SW_AUTH_INVALID'), 'invalid token');
      return;
    }
    await this.open();
    const held = this.held;
    this.held = undefined;
    if (this.opened) for (const [data, isBinary] of held) this.receive(data, isBinary);
  }

  private reject(error: StreamwrightError, message: string) {
    if (this.closed) return;
    const onFailure = this.init.pendingScheme?.auth?.onFailure;
    this.report(error);
    if (onFailure?.errorCode) this.sendError(onFailure.errorCode, message);
    this.close(onFailure?.closeCode ?? CLOSE.policy, message);
  }

  private refuseFrame(error: StreamwrightError, message?: unknown) {
    // Before first-message authentication, any frame that is not the credential is an auth failure.
    if (!this.opened && this.init.pendingScheme) return this.reject(error, 'authentication required');
    const code = this.init.options.invalidFrameErrorCode?.(this.channel, { error, ...(message !== undefined ? { message } : {}) });
    this.report(error);
    if (code) this.sendError(code, error.message);
    else this.close(CLOSE.unsupportedData, error.message);
  }

  private call(fn: () => void) {
    try {
      fn();
    } catch (e) {
      this.report(new StreamwrightError('SW_HANDLER_FAILED', (e as Error).message, { cause: e }));
    }
  }

  private finish(code: number, reason: string) {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.init.onClosed(this);
    if (this.opened) this.call(() => this.init.handlers.close?.(this, code, reason));
  }

  private every(ms: number, fn: () => void) {
    const t = setInterval(fn, Math.max(1, ms));
    t.unref();
    this.timers.add(t);
  }

  /**
   * `after` for a deadline on what the client sends, decided once the frames already received are
   * read: a stalled event loop runs its due timers before it reads the sockets, and a credential
   * or pong that arrived in time must not lose to its own deadline on a loaded machine.
   */
  private deadline(ms: number, fn: () => void): NodeJS.Timeout {
    return this.after(ms, () =>
      setImmediate(() => {
        if (!this.closed) fn();
      }),
    );
  }

  private after(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(
      () => {
        this.timers.delete(t);
        fn();
      },
      Math.max(1, ms),
    );
    t.unref();
    this.timers.add(t);
    return t;
  }

  private now() {
    return (this.init.options.now ?? Date.now)();
  }

  private report(error: Error) {
    try {
      this.init.options.onError?.(error, { channel: this.channel, connection: this.id });
    } catch {
      // A failing error hook must not take the connection down.
    }
  }
}

const MAX_HELD_FRAMES = 16;

/**
 * ws has already closed the connection for a frame the peer got wrong: 1009 past `maxPayload`,
 * 1007 for text that is not UTF-8, 1002 for any other protocol error (`WS_ERR_*`). Each is the
 * client's doing, so it is reported with our code (a warning), not as a server error.
 */
function peerError(error: Error): Error {
  const code = (error as { code?: unknown }).code;
  if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return new StreamwrightError('SW_FRAME_TOO_LARGE', error.message, { status: CLOSE.tooBig, cause: error });
  if (typeof code === 'string' && code.startsWith('WS_ERR_')) {
    return new StreamwrightError('SW_FRAME_PROTOCOL', error.message, {
      status: code === 'WS_ERR_INVALID_UTF8' ? CLOSE.invalidText : CLOSE.protocol,
      cause: error,
    });
  }
  return error;
}
