import { StreamwrightError } from '../errors.ts';
import { messageTag, readJson } from '../protocol/frame.ts';
import { planAuth, type AuthPlan } from './auth.ts';
import { ChannelConnection, type ConnectionConfig } from './connection.ts';
import { resolveEnvironment } from './environment.ts';
import { Pacer, utf8Length } from './pacer.ts';
import type { ClientAuth, ClosedEvent, ValidationResult } from './types.ts';
import { channelUrl, type Target } from './url.ts';
import { openWebSocket, type WsTransport } from './ws-transport.ts';

export interface WsChannelConfig extends ConnectionConfig {
  target: Target;
  params: Readonly<Record<string, string | undefined>>;
  auth: ClientAuth | undefined;
  /** The generated validator of server → client messages. */
  inbound: (data: unknown) => ValidationResult;
  /** The generated validator of client → server messages (absent: the client sends nothing). */
  outbound?: (data: unknown) => ValidationResult;
  /** The contract's pong payload (from its example), sent for each heartbeat. */
  pong?: unknown;
  /** Messages sent again on every open (subscriptions). */
  resubscribe?: readonly unknown[];
}

interface Outgoing {
  text: string;
  resolve(): void;
  reject(e: unknown): void;
}

/**
 * A WebSocket channel of a generated client: validated, narrowed messages by tag; validated,
 * size-checked and paced sends; the contract's heartbeat answered; first-message credentials;
 * reconnection with the contract's backoff.
 */
export class WsChannelClient<TagMap, In, Out> extends ChannelConnection<TagMap, In> {
  private readonly config: WsChannelConfig;
  private readonly browser: boolean;
  private transport: WsTransport | undefined;
  private transportOpen = false;
  private readonly outbox: Outgoing[] = [];
  private readonly pacer: Pacer | undefined;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly heartbeatTag: string | undefined;
  private readonly pongText: string | undefined;

  constructor(config: WsChannelConfig) {
    super(config);
    this.config = config;
    this.browser = resolveEnvironment(config.options.environment) === 'browser';
    const rate = config.channel.limits?.maxMessagesPerSecond?.limit;
    this.pacer = rate !== undefined && config.options.pace !== false ? new Pacer(rate) : undefined;
    const hb = config.channel.heartbeat;
    if (hb && hb.mode === 'message') {
      this.heartbeatTag = hb.message;
      if (hb.pong) this.pongText = JSON.stringify(config.pong ?? { [config.channel.tagProperty ?? 'type']: hb.pong.message });
    }
    this.start();
  }

  /**
   * Validates (SW_OUTBOUND_INVALID) and size-checks (SW_MESSAGE_TOO_LARGE) at once, throwing and
   * sending nothing on failure; then queues the message, paced under the contract's rate limit,
   * until the connection is open. The promise settles when the frame is handed to the socket.
   */
  send(message: Out): Promise<void> {
    if (this.isClosing) throw new StreamwrightError('SW_CLIENT_CLOSED', `channel ${this.channel.id} is closed`);
    if (!this.config.outbound) throw new StreamwrightError('SW_OUTBOUND_INVALID', `channel ${this.channel.id} accepts no client messages`);
    if (this.options.validateOutbound !== false) {
      const verdict = this.config.outbound(message);
      if (!verdict.ok) {
        throw new StreamwrightError('SW_OUTBOUND_INVALID', `message breaks the contract of ${this.channel.id}: ${(verdict.errors ?? []).map((e) => `${e.pointer || '(root)'} ${e.message}`).join('; ')}`, { details: verdict.errors ?? [] });
      }
    }
    const text = JSON.stringify(message);
    const limit = this.channel.limits?.maxMessageBytes?.limit;
    if (limit !== undefined && utf8Length(text) > limit) {
      throw new StreamwrightError('SW_MESSAGE_TOO_LARGE', `message is ${utf8Length(text)} bytes, over the contract's ${limit}`, { status: 1009 });
    }
    return new Promise<void>((resolve, reject) => {
      this.outbox.push({ text, resolve, reject });
      this.flush();
    });
  }

  /** Messages waiting to be sent (paced or not yet connected). */
  get pending(): number {
    return this.outbox.length;
  }

  protected async connectOnce(): Promise<void> {
    let plan: AuthPlan;
    let url: string;
    try {
      plan = await planAuth(this.api, this.channel, this.config.auth, this.browser, 'ws');
      url = channelUrl(this.api, this.channel, 'ws', this.config.target, this.config.params, plan.query);
    } catch (e) {
      return this.lost({ reason: (e as Error).message, error: e instanceof StreamwrightError ? e : new StreamwrightError('SW_TRANSPORT_UNAVAILABLE', (e as Error).message, { cause: e }) });
    }
    if (this.isClosing) return this.lost({ reason: 'client closed', closeCode: 1000 });
    const headers = { ...(this.browser ? {} : this.options.headers ?? {}), ...plan.headers };
    try {
      this.transport = await openWebSocket(
        url,
        { browser: this.browser, protocols: plan.protocols, headers, ...(this.options.WebSocket ? { WebSocket: this.options.WebSocket } : {}) },
        {
          open: () => {
            this.transportOpen = true;
            if (plan.firstMessage) this.sendNow(JSON.stringify(plan.firstMessage));
            for (const m of this.config.resubscribe ?? []) this.sendNow(JSON.stringify(m));
            this.opened(plan.scheme);
            this.flush();
          },
          message: (text, raw) => this.onFrame(text, raw),
          close: (code, reason, httpStatus) => {
            this.transport = undefined;
            this.transportOpen = false;
            clearTimeout(this.flushTimer);
            this.flushTimer = undefined;
            this.lost({ closeCode: code, reason, ...(httpStatus !== undefined ? { httpStatus } : {}) });
          },
        },
      );
    } catch (e) {
      return this.lost({ reason: (e as Error).message, error: e instanceof StreamwrightError ? e : new StreamwrightError('SW_CONNECTION_LOST', (e as Error).message, { cause: e }) });
    }
    if (this.isClosing) this.transport.close(1000, 'client closed');
  }

  protected disconnect(code: number, reason: string): boolean {
    if (!this.transport) return false;
    this.transport.close(code, reason);
    return true;
  }

  protected abort(): void {
    this.transport?.abort();
  }

  protected silenceMs(): number | undefined {
    const hb = this.channel.heartbeat;
    if (!hb || hb.mode === 'none') return undefined;
    return (hb.intervalMs + (hb.toleranceMs ?? hb.intervalMs / 3)) * this.scale;
  }

  protected override finished(_event: ClosedEvent): void {
    clearTimeout(this.flushTimer);
    for (const o of this.outbox.splice(0)) o.reject(new StreamwrightError('SW_CLIENT_CLOSED', `channel ${this.channel.id} closed before the message was sent`));
  }

  private onFrame(text: string | undefined, raw: unknown) {
    this.activity();
    if (text === undefined) return this.invalid('SW_FRAME_BINARY', 'binary frame; the contract defines JSON text', raw);
    const json = readJson(text);
    if (!json.ok) return this.invalid('SW_FRAME_NOT_JSON', 'frame is not JSON', text);
    const data = json.value;
    const tag = messageTag(data, this.channel.tagProperty);
    // The heartbeat is answered on its tag alone: a heartbeat the contract does not fully
    // describe (one extra field, a broken timestamp) still proves the connection alive, and a
    // missing pong would get the connection cut by the server.
    if (tag !== null && tag === this.heartbeatTag && this.pongText !== undefined) this.sendNow(this.pongText);
    const verdict = this.options.validateInbound !== false ? this.config.inbound(data) : undefined;
    this.accept(verdict, tag, data, data as In, { tag }, text);
  }

  /** Control frames (credential, pong, subscriptions) skip the queue but count against the rate. */
  private sendNow(text: string) {
    if (!this.transport || !this.transportOpen) return;
    this.pacer?.record(Date.now());
    this.transport.send(text);
  }

  private flush() {
    if (this.flushTimer !== undefined) return;
    while (this.outbox.length > 0) {
      if (!this.transport || !this.transportOpen || this.state !== 'open') return;
      const wait = this.pacer?.delay(Date.now()) ?? 0;
      if (wait > 0) {
        this.flushTimer = setTimeout(() => {
          this.flushTimer = undefined;
          this.flush();
        }, wait);
        return;
      }
      const next = this.outbox.shift()!;
      this.pacer?.record(Date.now());
      try {
        this.transport.send(next.text);
        next.resolve();
      } catch (e) {
        next.reject(e);
      }
    }
  }
}
