import { StreamwrightError } from '../errors.ts';
import { messageTag, readJson, taggedMessage } from '../protocol/frame.ts';
import { planAuth, type AuthPlan } from './auth.ts';
import { ChannelConnection, type ConnectionConfig } from './connection.ts';
import { resolveEnvironment } from './environment.ts';
import { Pacer, utf8Length } from './pacer.ts';
import type { ClientAuth, ClosedEvent, ValidationResult } from './types.ts';
import { channelUrl, type Target } from './url.ts';
import { LazyValidators } from '../lazy-validators.ts';
import { openWebSocket, type WsTransport } from './ws-transport.ts';

export interface WsChannelConfig extends ConnectionConfig {
  target: Target;
  params: Readonly<Record<string, string | undefined>>;
  auth: ClientAuth | undefined;
  /** The generated validator of server → client messages (or `load`). */
  inbound?: (data: unknown) => ValidationResult;
  /** The generated validator of client → server messages (absent: the client sends nothing). */
  outbound?: (data: unknown) => ValidationResult;
  /**
   * Instead of `inbound` / `outbound`: imports them (the channel's generated module), once,
   * before the first connection attempt; a failure closes the channel with SW_VALIDATORS_UNAVAILABLE.
   */
  load?: () => Promise<WsValidators>;
  /** The contract's pong payload (from its example), sent for each heartbeat. */
  pong?: unknown;
  /** Messages sent again on every open (subscriptions). */
  resubscribe?: readonly unknown[];
}

/** A WebSocket channel's validators, as the client sees them. */
export interface WsValidators {
  /** Server → client messages. */
  inbound: (data: unknown) => ValidationResult;
  /** Client → server messages (absent: the client sends nothing). */
  outbound?: (data: unknown) => ValidationResult;
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
  private readonly validators: LazyValidators<WsValidators>;
  private readonly browser: boolean;
  private transport: WsTransport | undefined;
  private transportOpen = false;
  private readonly outbox: Outgoing[] = [];
  private readonly pacer: Pacer | undefined;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly heartbeatTag: string | undefined;
  private readonly pongText: string | undefined;
  /** Scheme of the current attempt while its credential awaits the server's acceptance. */
  private pendingScheme: string | undefined;
  /** The contract's auth error frame received on the current attempt: why it will close. */
  private refusal: StreamwrightError | undefined;

  constructor(config: WsChannelConfig) {
    super(config);
    this.config = config;
    const given = config.inbound ? { inbound: config.inbound, ...(config.outbound ? { outbound: config.outbound } : {}) } : undefined;
    this.validators = new LazyValidators(config.channel.id, config.load ? undefined : given, config.load);
    this.browser = resolveEnvironment(config.options.environment) === 'browser';
    const rate = config.channel.limits?.maxMessagesPerSecond?.limit;
    this.pacer = rate !== undefined && config.options.pace !== false ? new Pacer(rate) : undefined;
    const hb = config.channel.heartbeat;
    if (hb && hb.mode === 'message') {
      this.heartbeatTag = hb.message;
      if (hb.pong) this.pongText = JSON.stringify(config.pong ?? taggedMessage(config.channel.tagProperty, hb.pong.message));
    }
    this.start();
  }

  /**
   * Validates (SW_OUTBOUND_INVALID) and size-checks (SW_MESSAGE_TOO_LARGE) at once, throwing and
   * sending nothing on failure; then queues the message, paced under the contract's rate limit,
   * until the connection is open. The promise settles when the frame is handed to the socket.
   * Before a lazy channel's validators are loaded (right after opening it), the message waits for
   * them, in order, and a failed check rejects the promise instead of throwing.
   */
  send(message: Out): Promise<void> {
    if (this.isClosing) throw new StreamwrightError('SW_CLIENT_CLOSED', `channel ${this.channel.id} is closed`);
    const validators = this.validators.current;
    if (!validators) return this.validators.load().then(() => this.send(message));
    const outbound = validators.outbound;
    if (!outbound) throw new StreamwrightError('SW_OUTBOUND_INVALID', `channel ${this.channel.id} accepts no client messages`);
    if (this.options.validateOutbound !== false) {
      const verdict = outbound(message);
      if (!verdict.ok) {
        throw new StreamwrightError(
          'SW_OUTBOUND_INVALID',
          `message breaks the contract of ${this.channel.id}: ${(verdict.errors ?? []).map((e) => `${e.pointer || '(root)'} ${e.message}`).join('; ')}`,
          { details: verdict.errors ?? [] },
        );
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
    // A lazy channel imports its validators before its first attempt: every frame is then checked synchronously.
    if (!this.validators.current) {
      try {
        await this.validators.load();
      } catch (e) {
        return this.lost({ reason: (e as Error).message, error: e as StreamwrightError });
      }
    }
    let plan: AuthPlan;
    let url: string;
    try {
      plan = await planAuth(this.api, this.channel, this.config.auth, this.browser, 'ws');
      url = channelUrl(this.api, this.channel, 'ws', this.config.target, this.config.params, plan.query);
    } catch (e) {
      return this.lost({
        reason: (e as Error).message,
        error: e instanceof StreamwrightError ? e : new StreamwrightError('SW_TRANSPORT_UNAVAILABLE', (e as Error).message, { cause: e }),
      });
    }
    if (this.isClosing) return this.lost({ reason: 'client closed', closeCode: 1000 });
    const headers = { ...(this.browser ? {} : (this.options.headers ?? {})), ...plan.headers };
    try {
      this.transport = await openWebSocket(
        url,
        { browser: this.browser, protocols: plan.protocols, headers, ...(this.options.WebSocket ? { WebSocket: this.options.WebSocket } : {}) },
        {
          open: () => {
            this.transportOpen = true;
            this.refusal = undefined;
            // The credential goes first and at once: the server's deadline runs from the upgrade.
            if (plan.firstMessage) this.sendNow(JSON.stringify(plan.firstMessage));
            for (const m of this.config.resubscribe ?? []) this.sendNow(JSON.stringify(m));
            if (this.refusesAfterUpgrade(plan.scheme)) {
              // The upgrade proves nothing: the server may still answer with its error and a 44xx close.
              this.pendingScheme = plan.scheme;
              this.awaitingAcceptance = true;
              this.activity();
              return;
            }
            this.accepted(plan.scheme);
          },
          message: (text, raw) => this.onFrame(text, raw),
          close: (code, reason, httpStatus) => {
            this.transport = undefined;
            this.transportOpen = false;
            this.pendingScheme = undefined;
            clearTimeout(this.flushTimer);
            this.flushTimer = undefined;
            const refusal = this.refusal;
            this.refusal = undefined;
            this.lost({ closeCode: code, reason, ...(httpStatus !== undefined ? { httpStatus } : {}), ...(refusal ? { error: refusal } : {}) });
          },
        },
      );
    } catch (e) {
      return this.lost({
        reason: (e as Error).message,
        error: e instanceof StreamwrightError ? e : new StreamwrightError('SW_CONNECTION_LOST', (e as Error).message, { cause: e }),
      });
    }
    if (this.isClosing) this.transport.close(1000, 'client closed');
  }

  /**
   * Whether a server may refuse this scheme's credential after the upgrade (the contract's
   * `x-sw-auth.onFailure` is error-and-close, first-message auth always): then `open` waits
   * until the server shows it accepted the credential.
   */
  private refusesAfterUpgrade(schemeId: string | undefined): boolean {
    if (schemeId === undefined) return false;
    const auth = this.api.securitySchemes.find((s) => s.id === schemeId)?.auth;
    return auth !== undefined && (auth.onFailure.action === 'error-and-close' || auth.credential.in === 'first-message');
  }

  private accepted(scheme: string | undefined) {
    this.pendingScheme = undefined;
    this.opened(scheme);
    this.flush();
  }

  /**
   * Before acceptance, the contract's error message with a code that closes the connection is a
   * refusal: it is kept as the reason of the close that follows, and `open` never comes. Its
   * auth code (`onFailure.errorCode`) makes the close an auth rejection, never retried.
   * Returns whether the frame was such a refusal.
   */
  private refusalFrame(tag: string | null, data: unknown): boolean {
    const errors = this.channel.errors;
    if (!errors || tag !== errors.message) return false;
    const code = pointerValue(data, errors.codePointer);
    const rule = typeof code === 'string' ? errors.codes[code] : undefined;
    const auth = this.api.securitySchemes.find((s) => s.id === this.pendingScheme)?.auth;
    const isAuth = typeof code === 'string' && code === auth?.onFailure.errorCode;
    if (!isAuth && rule?.then.action !== 'close') return false;
    const text = pointerValue(data, '/message');
    const why = `${String(code)}${typeof text === 'string' && text ? `: ${text}` : ''}`;
    const status = rule?.then.closeCode ?? auth?.onFailure.closeCode;
    this.refusal = isAuth
      ? new StreamwrightError('SW_AUTH_REJECTED', `the server refused the credential (${why})`, status === undefined ? {} : { status })
      : undefined;
    return true;
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
    // Before acceptance, a refusal is still delivered (handlers of the error tag see why), but
    // `open` never comes; any other frame means the server let the connection through.
    if (this.awaitingAcceptance && !this.refusalFrame(tag, data)) this.accepted(this.pendingScheme);
    const verdict = this.options.validateInbound !== false ? this.validators.current!.inbound(data) : undefined;
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

/** The value at a JSON pointer (RFC 6901) of a parsed frame, or undefined. */
function pointerValue(data: unknown, pointer: string): unknown {
  let at: unknown = data;
  for (const raw of pointer.split('/').slice(1)) {
    if (at === null || typeof at !== 'object') return undefined;
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!Object.prototype.hasOwnProperty.call(at, key)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}
