import { StreamwrightError } from '../errors.ts';
import { planAuth, type AuthPlan } from './auth.ts';
import { ChannelConnection, type ConnectionConfig } from './connection.ts';
import { resolveEnvironment } from './environment.ts';
import { SseMessageReader, SseParser, type SseMessage } from '../protocol/sse-parser.ts';
import type { ClientAuth, EventSourceConstructorLike, EventSourceLike, FetchLike, ValidationResult } from './types.ts';
import { channelUrl, type Target } from './url.ts';
import { LazyValidators } from '../lazy-validators.ts';

export interface SseChannelConfig extends ConnectionConfig {
  target: Target;
  params: Readonly<Record<string, string | undefined>>;
  auth: ClientAuth | undefined;
  /** The generated validator of the channel's events: `(event, data)` (or `load`). */
  inbound?: (event: string, data: unknown) => ValidationResult;
  /** Instead of `inbound`: imports it (the channel's generated module), once, before the first connection attempt. */
  load?: () => Promise<(event: string, data: unknown) => ValidationResult>;
}

/** An event as the iterator yields it: the typed `{ event, data }` plus its `id:`. */
export type SseItem<Event> = Event & { readonly id?: string };

/**
 * An SSE channel of a generated client. A `fetch` stream reader wherever a credential needs a
 * header (a bearer token) or a cookie header (Node), and in Node generally; the browser's
 * EventSource where it suffices (cookies, `withCredentials`). Resumes with Last-Event-ID after
 * every loss, never delivers an id twice, waits at least the server's `retry:` before reconnecting
 * (plus the contract's jittered backoff), and treats a server silent past its heartbeat or
 * keep-alive as gone.
 */
export class SseChannelClient<TagMap, Event> extends ChannelConnection<TagMap, SseItem<Event>> {
  private readonly config: SseChannelConfig;
  private readonly browser: boolean;
  private controller: AbortController | undefined;
  private source: EventSourceLike | undefined;
  private lastId = '';
  private readonly validators: LazyValidators<(event: string, data: unknown) => ValidationResult>;
  private retryMs: number | undefined;
  private readonly seen = new Set<string>();
  private readonly seenOrder: string[] = [];
  private readonly seenBound: number;

  constructor(config: SseChannelConfig) {
    super(config);
    this.config = config;
    this.validators = new LazyValidators(config.channel.id, config.load ? undefined : config.inbound, config.load);
    this.browser = resolveEnvironment(config.options.environment) === 'browser';
    this.seenBound = Math.max(64, config.channel.sse?.resume?.bufferSize ?? 1000);
    this.start();
  }

  /** The id of the last event received: what a reconnect sends as Last-Event-ID. */
  get lastEventId(): string {
    return this.lastId;
  }

  protected async connectOnce(): Promise<void> {
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
      plan = await planAuth(this.api, this.channel, this.config.auth, this.browser, 'sse');
      url = channelUrl(this.api, this.channel, 'sse', this.config.target, this.config.params, plan.query);
    } catch (e) {
      return this.lost({
        reason: (e as Error).message,
        error: e instanceof StreamwrightError ? e : new StreamwrightError('SW_TRANSPORT_UNAVAILABLE', (e as Error).message, { cause: e }),
      });
    }
    if (this.isClosing) return this.lost({ reason: 'client closed', closeCode: 1000 });
    const EventSourceCtor = this.options.EventSource ?? (globalThis as { EventSource?: EventSourceConstructorLike }).EventSource;
    const mode = this.options.sseTransport ?? 'auto';
    const needsHeaders = Object.keys(plan.headers).length > 0;
    if (this.browser && EventSourceCtor && (mode === 'eventsource' || (mode === 'auto' && !needsHeaders)))
      return this.viaEventSource(EventSourceCtor, url, plan);
    return this.viaFetch(url, plan);
  }

  protected disconnect(_code: number, _reason: string): boolean {
    if (this.controller) {
      this.controller.abort();
      return true;
    }
    if (this.source) {
      this.source.close();
      this.source = undefined;
      this.lost({ reason: 'client closed', closeCode: 1000 });
      return true;
    }
    return false;
  }

  protected abort(): void {
    if (this.controller) this.controller.abort();
    else if (this.source) {
      this.source.close();
      this.source = undefined;
      this.lost({ reason: 'silent server' });
    }
  }

  protected silenceMs(): number | undefined {
    const hb = this.channel.heartbeat;
    if (hb && hb.mode !== 'none') return (hb.intervalMs + (hb.toleranceMs ?? hb.intervalMs / 3)) * this.scale;
    const keepAlive = this.channel.sse?.keepAliveCommentMs;
    // Comment keep-alives have no tolerance in the contract: a third of the interval is allowed.
    if (keepAlive !== undefined && !this.source) return keepAlive * (4 / 3) * this.scale;
    return undefined;
  }

  private async viaFetch(url: string, plan: AuthPlan): Promise<void> {
    const fetchFn: FetchLike | undefined = this.options.fetch ?? (typeof fetch === 'function' ? fetch : undefined);
    if (!fetchFn)
      return this.lost({ reason: 'no fetch', error: new StreamwrightError('SW_TRANSPORT_UNAVAILABLE', 'no fetch implementation; pass options.fetch') });
    const controller = new AbortController();
    this.controller = controller;
    const headers: Record<string, string> = {
      Accept: 'text/event-stream',
      'Cache-Control': 'no-cache',
      ...(this.browser ? {} : (this.options.headers ?? {})),
      ...plan.headers,
    };
    if (this.lastId !== '') headers['Last-Event-ID'] = this.lastId;
    let response: Response;
    try {
      response = await fetchFn(url, { headers, signal: controller.signal, cache: 'no-store', credentials: plan.withCredentials ? 'include' : 'same-origin' });
    } catch (e) {
      this.controller = undefined;
      return this.lost({
        reason: controller.signal.aborted ? 'client closed' : `request failed: ${(e as Error).message}`,
        ...(this.closing ? { closeCode: 1000 } : {}),
      });
    }
    if (!response.ok || !response.body) {
      this.controller = undefined;
      void response.body?.cancel().catch(() => {});
      return this.lost({ httpStatus: response.status, reason: `HTTP ${response.status}` });
    }
    const type = response.headers.get('content-type') ?? '';
    if (!/^text\/event-stream/i.test(type)) {
      this.controller = undefined;
      void response.body.cancel().catch(() => {});
      return this.lost({ httpStatus: response.status, reason: `not an event stream (${type || 'no content type'})` });
    }
    const parser = new SseParser();
    const messages = new SseMessageReader(this.lastId);
    this.opened(plan.scheme);
    const reader = response.body.getReader();
    let reason = 'stream ended';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.activity();
        for (const item of parser.push(value)) {
          if (item.kind === 'retry') this.retryMs = item.ms;
          else if (item.kind === 'event') {
            const message = messages.read(item);
            if (message) this.onEvent(message);
          }
        }
      }
    } catch (e) {
      reason = controller.signal.aborted ? (this.closing ? 'client closed' : 'silent server') : `stream failed: ${(e as Error).message}`;
    }
    this.controller = undefined;
    this.lost({ reason, ...(this.closing ? { closeCode: 1000 } : {}), ...(this.retryMs !== undefined ? { retryMs: this.retryMs } : {}) });
  }

  /**
   * The browser's EventSource: it reconnects by itself (with Last-Event-ID and `retry:`) while it
   * can; once it gives up (an HTTP error), the client's backoff takes over with a new one, which
   * cannot carry Last-Event-ID: the server then starts afresh, and ids seen before are dropped.
   */
  /** The HTTP status of a refused stream request, or undefined when it opens or cannot be asked. */
  private async refusalStatus(url: string, plan: AuthPlan): Promise<number | undefined> {
    const fetchFn: FetchLike | undefined = this.options.fetch ?? (typeof fetch === 'function' ? fetch : undefined);
    if (!fetchFn) return undefined;
    const controller = new AbortController();
    try {
      const response = await fetchFn(url, {
        headers: { Accept: 'text/event-stream' },
        signal: controller.signal,
        cache: 'no-store',
        credentials: plan.withCredentials ? 'include' : 'same-origin',
      });
      return response.ok ? undefined : response.status;
    } catch {
      return undefined;
    } finally {
      controller.abort(); // a stream that opened this time is not wanted
    }
  }

  private viaEventSource(Ctor: EventSourceConstructorLike, url: string, plan: AuthPlan): void {
    const source = new Ctor(url, { withCredentials: plan.withCredentials });
    this.source = source;
    let opened = false;
    source.onopen = () => {
      opened = true;
      this.opened(plan.scheme);
    };
    source.onerror = () => {
      if (this.source !== source) return;
      // CONNECTING (0): the browser reconnects by itself; CLOSED (2): it gave up.
      if (source.readyState === 2) {
        this.source = undefined;
        source.close();
        const reason = opened ? 'event stream closed' : 'event stream refused';
        // An EventSource gives up only on an HTTP error, whose status it hides: ask once, so that a
        // 401 / 403 ends the channel (SW_AUTH_REJECTED) instead of being retried as a network loss.
        void this.refusalStatus(url, plan).then((httpStatus) =>
          this.lost(httpStatus === undefined ? { reason } : { reason: `HTTP ${httpStatus}`, httpStatus }),
        );
      }
    };
    const names = new Set(this.channel.send.messages.map((m) => m.tag ?? 'message'));
    names.add('message');
    for (const name of names) {
      source.addEventListener(name, (ev) => {
        if (this.source !== source) return;
        this.activity();
        this.onEvent({ event: name, data: ev.data, id: ev.lastEventId, ownId: ev.lastEventId !== '' });
      });
    }
  }

  private onEvent(e: SseMessage) {
    this.activity();
    if (e.id !== '' && e.ownId) {
      if (this.seen.has(e.id)) return;
      this.lastId = e.id;
      this.seen.add(e.id);
      this.seenOrder.push(e.id);
      if (this.seenOrder.length > this.seenBound) this.seen.delete(this.seenOrder.shift()!);
    }
    let data: unknown;
    try {
      data = JSON.parse(e.data);
    } catch {
      return this.invalid('SW_FRAME_NOT_JSON', `data of event ${e.event} is not JSON`, e);
    }
    const verdict = this.options.validateInbound !== false ? this.validators.current!(e.event, data) : undefined;
    const item = { event: e.event, data, ...(e.id !== '' ? { id: e.id } : {}) } as unknown as SseItem<Event>;
    this.accept(verdict, e.event, data, item, { tag: e.event, ...(e.id !== '' ? { id: e.id } : {}) }, e);
  }
}
