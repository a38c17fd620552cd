import { isTerminal, mayRetry, reconnectDelay } from '../backoff.ts';
import type { ApiDescription, ChannelDescription, ReconnectSpec } from '../contract.ts';
import { StreamwrightError, type RuntimeErrorCode } from '../errors.ts';
import { Listeners } from './listeners.ts';
import { MessageQueue } from './queue.ts';
import type {
  ClientOptions,
  ClosedEvent,
  ConnectionState,
  FrameProblem,
  InvalidCounts,
  InvalidEvent,
  MessageMeta,
  StateEvents,
  ValidationResult,
} from './types.ts';

/** Used when a contract gives no reconnection advice. */
const DEFAULT_RECONNECT: ReconnectSpec = { initialDelayMs: 1000, multiplier: 2, maxDelayMs: 30000, maxRetries: null, resetOnOpen: true, jitter: 'full' };
/** Always an auth rejection, whatever the contract's doNotRetry says. */
const AUTH_STATUSES = new Set([401, 403]);
const AUTH_CLOSE_CODES = new Set([4401, 4403]);

/** Why a connection ended (or never opened). */
export interface Loss {
  closeCode?: number;
  httpStatus?: number;
  reason: string;
  error?: StreamwrightError;
  /** Server-advised minimum wait before reconnecting (SSE `retry:`). */
  retryMs?: number;
}

export interface ConnectionConfig {
  api: ApiDescription;
  channel: ChannelDescription;
  options: ClientOptions;
}

/**
 * What WebSocket and SSE channels share: listeners, async iterators, the reconnection policy
 * (capped exponential backoff with full jitter from the contract, never after an auth rejection
 * or a close the contract forbids retrying), silence detection, and a clean final close.
 * Subclasses open one connection at a time and report back through `opened`, `activity`,
 * `deliver` and `lost`.
 */
export abstract class ChannelConnection<TagMap, Item> {
  protected readonly api: ApiDescription;
  protected readonly channel: ChannelDescription;
  protected readonly options: ClientOptions;
  protected readonly scale: number;
  private currentState: ConnectionState = 'connecting';
  private readonly stateListeners: Listeners<StateEvents>;
  private readonly messageListeners: Listeners<Record<string, { message: unknown; meta: MessageMeta }>>;
  private readonly anyListeners = new Set<(item: Item) => void>();
  private readonly queues = new Set<MessageQueue<Item>>();
  private failures = 0;
  private everOpened = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private silenceTimer: ReturnType<typeof setTimeout> | undefined;
  protected closing = false;
  /**
   * A socket is up but the server has not yet shown that it accepted the credential (auth that
   * fails with an error frame and a close): the silence timer runs, `open` waits.
   */
  protected awaitingAcceptance = false;
  private final: ClosedEvent | undefined;
  /** Why the current connection is being dropped by the client itself (silent server, onInvalid 'close'). */
  private dropReason: StreamwrightError | undefined;
  private unknownFrames = 0;
  private invalidFrames = 0;

  constructor(config: ConnectionConfig) {
    this.api = config.api;
    this.channel = config.channel;
    this.options = config.options;
    this.scale = config.options.timeScale ?? 1;
    const failed = (e: unknown) =>
      this.report(new StreamwrightError('SW_HANDLER_FAILED', `a handler threw: ${(e as Error)?.message ?? String(e)}`, { cause: e }));
    this.stateListeners = new Listeners<StateEvents>((e) => {
      // An `error` listener that throws must not be told about itself forever.
      if (!(e instanceof StreamwrightError && e.code === 'SW_HANDLER_FAILED')) failed(e);
    });
    this.messageListeners = new Listeners<Record<string, { message: unknown; meta: MessageMeta }>>(failed);
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** Frames reported through the `invalid` state event so far. */
  get invalidCounts(): InvalidCounts {
    return { unknown: this.unknownFrames, invalid: this.invalidFrames };
  }

  /** Handler for one tag; the message is already validated and narrowed. Returns an unsubscribe function. */
  on<T extends keyof TagMap & string>(tag: T, handler: (message: TagMap[T], meta: MessageMeta) => void): () => void {
    return this.messageListeners.add(tag, (v) => handler(v.message as TagMap[T], v.meta));
  }

  /** Handler for every message (tag or not). */
  onAny(handler: (item: Item) => void): () => void {
    this.anyListeners.add(handler);
    return () => this.anyListeners.delete(handler);
  }

  /** Connection state: `open`, `reconnecting`, `closed` (with code and reason), `error` (reported problems). */
  onState<K extends keyof StateEvents>(name: K, handler: (event: StateEvents[K]) => void): () => void {
    return this.stateListeners.add(name, handler);
  }

  /** Every message from now on, until the channel closes (an error that closed it is thrown). */
  messages(): AsyncIterableIterator<Item> {
    const queue: MessageQueue<Item> = new MessageQueue<Item>(
      this.options.iteratorBuffer ?? 10_000,
      () => this.report(new StreamwrightError('SW_SLOW_CONSUMER', 'an iterator fell behind; its oldest messages were dropped')),
      () => this.queues.delete(queue),
    );
    if (this.final) queue.end(this.final.error);
    else this.queues.add(queue);
    return queue;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<Item> {
    return this.messages();
  }

  /** Resolves when the connection is open (now or next); rejects if the channel closes first. */
  ready(): Promise<void> {
    if (this.currentState === 'open') return Promise.resolve();
    if (this.final) return Promise.reject(this.final.error ?? new StreamwrightError('SW_CLIENT_CLOSED'));
    return new Promise((resolve, reject) => {
      const offs = [
        this.onState('open', () => {
          offs.forEach((f) => f());
          resolve();
        }),
        this.onState('closed', (e) => {
          offs.forEach((f) => f());
          reject(e.error ?? new StreamwrightError('SW_CLIENT_CLOSED'));
        }),
      ];
    });
  }

  /** Resolves with the final close (after `close()` or when the client gave up). */
  closed(): Promise<ClosedEvent> {
    if (this.final) return Promise.resolve(this.final);
    return new Promise((resolve) => {
      const off = this.onState('closed', (e) => {
        off();
        resolve(e);
      });
    });
  }

  /** Closes for good: no reconnection; pending sends are rejected with SW_CLIENT_CLOSED. */
  close(code = 1000, reason = 'client closed'): Promise<ClosedEvent> {
    if (this.final) return Promise.resolve(this.final);
    this.closing = true;
    const done = this.closed();
    clearTimeout(this.retryTimer);
    if (!this.disconnect(code, reason)) this.finish({ code, reason });
    return done;
  }

  // ---- for subclasses ----

  /** Opens one connection; reports through `opened` / `lost`. Never throws. */
  protected abstract connectOnce(): Promise<void>;
  /** Closes the current connection, if any, and returns whether there was one (its loss follows). */
  protected abstract disconnect(code: number, reason: string): boolean;
  /** Silence longer than this (real ms) means the server is gone; undefined: no detection. */
  protected abstract silenceMs(): number | undefined;
  /** Drops the current connection at once (silent server). */
  protected abstract abort(): void;

  protected start(): void {
    void this.connectOnce();
  }

  protected get isClosing(): boolean {
    return this.closing || this.final !== undefined;
  }

  protected opened(scheme: string | undefined): void {
    this.awaitingAcceptance = false;
    if (this.isClosing) return;
    this.currentState = 'open';
    if (this.reconnectSpec()?.resetOnOpen ?? true) this.failures = 0;
    const reconnected = this.everOpened;
    this.everOpened = true;
    this.activity();
    this.stateListeners.emit('open', { reconnected, scheme });
  }

  /** Any sign of life from the server: re-arms the silence timer. */
  protected activity(): void {
    if (this.options.detectSilence === false) return;
    const ms = this.silenceMs();
    if (ms === undefined) return;
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => {
      if (this.currentState !== 'open' && !this.awaitingAcceptance) return;
      const error = new StreamwrightError('SW_SERVER_SILENT', `no frame from the server for ${Math.round(ms)} ms`);
      this.report(error);
      this.dropReason = error;
      this.abort();
    }, ms);
  }

  protected deliver(tag: string | null, message: unknown, item: Item, meta: MessageMeta): void {
    if (tag !== null) this.messageListeners.emit(tag, { message, meta });
    for (const fn of [...this.anyListeners]) {
      try {
        fn(item);
      } catch (e) {
        this.report(new StreamwrightError('SW_HANDLER_FAILED', `a handler threw: ${(e as Error)?.message ?? String(e)}`, { cause: e }));
      }
    }
    for (const q of this.queues) q.push(item);
  }

  /**
   * Reads a parsed message through the generated validator. Valid: delivered, and its unknown
   * parts reported. Invalid: reported, then dropped, delivered or the channel closed as
   * `onInvalid` says. Nothing is dropped without an `invalid` event.
   */
  protected accept(verdict: ValidationResult | undefined, tag: string | null, message: unknown, item: Item, meta: MessageMeta, frame: unknown): void {
    if (verdict && !verdict.ok) {
      const problems = verdict.errors ?? [];
      this.invalid('SW_FRAME_INVALID', `${tag === null ? 'frame' : `"${tag}"`} breaks the contract: ${summary(problems)}`, frame, {
        tag,
        message,
        problems,
        item,
        meta,
      });
      return;
    }
    if (verdict?.warnings && verdict.warnings.length > 0) {
      const problems = verdict.warnings;
      this.unknownFrames++;
      const error = new StreamwrightError(
        'SW_FRAME_UNKNOWN_PARTS',
        `${tag === null ? 'frame' : `"${tag}"`} carries what the contract does not know: ${summary(problems)}`,
        { details: problems },
      );
      this.deliver(tag, message, item, meta);
      this.emitInvalid({ kind: 'unknown', error, pointer: problems[0]!.pointer, problems, tag, message, frame, action: 'delivered' });
      return;
    }
    this.deliver(tag, message, item, meta);
  }

  /**
   * An inbound frame that breaks the contract: an `invalid` event, counted; delivered when the
   * policy is `deliver` and there is a message to deliver, the channel closed for `close`.
   */
  protected invalid(
    code: RuntimeErrorCode,
    text: string,
    frame: unknown,
    parsed: { tag: string | null; message: unknown; problems: readonly FrameProblem[]; item: Item; meta: MessageMeta } | undefined = undefined,
  ): void {
    const problems = parsed?.problems ?? [];
    const error = new StreamwrightError(code, text, problems.length ? { details: problems } : {});
    const policy = this.options.onInvalid ?? 'drop';
    const action = policy === 'close' ? 'closed' : policy === 'deliver' && parsed ? 'delivered' : 'dropped';
    this.invalidFrames++;
    if (action === 'delivered') this.deliver(parsed!.tag, parsed!.message, parsed!.item, parsed!.meta);
    this.emitInvalid({
      kind: 'invalid',
      error,
      pointer: problems[0]?.pointer ?? '',
      problems,
      tag: parsed?.tag ?? null,
      ...(parsed ? { message: parsed.message } : {}),
      frame,
      action,
    });
    if (action === 'closed' && !this.isClosing) {
      this.closing = true;
      this.dropReason = error;
      clearTimeout(this.retryTimer);
      if (!this.disconnect(1003, 'frame breaks the contract')) this.finish({ code: 1003, reason: 'frame breaks the contract', error });
    }
  }

  private emitInvalid(event: InvalidEvent): void {
    this.stateListeners.emit('invalid', event);
  }

  protected report(error: StreamwrightError): void {
    this.stateListeners.emit('error', error);
  }

  /** The connection ended or never opened: reconnect with backoff, or give up for good. */
  protected lost(loss: Loss): void {
    clearTimeout(this.silenceTimer);
    this.awaitingAcceptance = false;
    if (this.final) return;
    if (this.dropReason && !loss.error) loss = { ...loss, error: this.dropReason };
    this.dropReason = undefined;
    const closeEvent = { code: loss.closeCode ?? 1006, reason: loss.reason, ...(loss.httpStatus !== undefined ? { httpStatus: loss.httpStatus } : {}) };
    if (this.closing) return this.finish(loss.error ? { ...closeEvent, error: loss.error } : closeEvent);
    const spec = this.reconnectSpec();
    const failure = {
      ...(loss.closeCode !== undefined ? { closeCode: loss.closeCode } : {}),
      ...(loss.httpStatus !== undefined ? { httpStatus: loss.httpStatus } : {}),
    };
    const status = loss.httpStatus ?? loss.closeCode;
    // The contract's auth error frame came before the close: that is the reason, whatever the code.
    if (loss.error?.code === 'SW_AUTH_REJECTED') return this.giveUp(closeEvent, loss.error);
    if ((loss.httpStatus !== undefined && AUTH_STATUSES.has(loss.httpStatus)) || (loss.closeCode !== undefined && AUTH_CLOSE_CODES.has(loss.closeCode))) {
      return this.giveUp(
        closeEvent,
        new StreamwrightError('SW_AUTH_REJECTED', `the server refused the credential (${describe(loss)})`, status === undefined ? {} : { status }),
      );
    }
    if (
      loss.error &&
      (loss.error.code === 'SW_AUTH_MISSING' || loss.error.code === 'SW_TRANSPORT_UNAVAILABLE' || loss.error.code === 'SW_VALIDATORS_UNAVAILABLE')
    )
      return this.giveUp(closeEvent, loss.error);
    if (spec && isTerminal(spec, failure)) {
      return this.giveUp(
        closeEvent,
        new StreamwrightError(
          'SW_CONNECTION_REFUSED',
          `the server refused the connection (${describe(loss)}); the contract says not to retry`,
          status === undefined ? {} : { status },
        ),
      );
    }
    if (!spec || !mayRetry(spec, this.failures)) {
      return this.giveUp(
        closeEvent,
        new StreamwrightError(
          spec ? 'SW_RETRIES_EXHAUSTED' : 'SW_CONNECTION_LOST',
          spec ? `gave up after ${this.failures} attempts (${describe(loss)})` : `connection lost (${describe(loss)})`,
          status === undefined ? {} : { status },
        ),
      );
    }
    const delayMs = reconnectDelay(spec, this.failures, this.options.random) * this.scale + (loss.retryMs ?? 0);
    this.failures++;
    this.currentState = 'reconnecting';
    const error = loss.error ?? new StreamwrightError('SW_CONNECTION_LOST', `connection lost (${describe(loss)})`, status === undefined ? {} : { status });
    this.stateListeners.emit('reconnecting', { attempt: this.failures, delayMs, error });
    this.retryTimer = setTimeout(() => {
      if (!this.isClosing) void this.connectOnce();
    }, delayMs);
  }

  private giveUp(event: Omit<ClosedEvent, 'error'>, error: StreamwrightError) {
    this.report(error);
    this.finish({ ...event, error });
  }

  private finish(event: ClosedEvent) {
    if (this.final) return;
    clearTimeout(this.silenceTimer);
    clearTimeout(this.retryTimer);
    this.final = event;
    this.currentState = 'closed';
    this.finished(event);
    for (const q of this.queues) q.end(event.error);
    this.queues.clear();
    this.stateListeners.emit('closed', event);
  }

  /** Subclass cleanup once closed for good (reject pending sends). */
  protected finished(_event: ClosedEvent): void {}

  private reconnectSpec(): ReconnectSpec | undefined {
    const option = this.options.reconnect;
    if (option === false) return undefined;
    const base = this.channel.reconnect ?? this.api.reconnect ?? DEFAULT_RECONNECT;
    return option ? { ...base, ...option } : base;
  }
}

function summary(problems: readonly FrameProblem[]): string {
  return problems.map((e) => `${e.pointer || '(root)'} ${e.message}`).join('; ') || 'no details';
}

function describe(loss: Loss): string {
  if (loss.httpStatus !== undefined) return `HTTP ${loss.httpStatus}`;
  if (loss.closeCode !== undefined) return `close ${loss.closeCode}${loss.reason ? ` ${loss.reason}` : ''}`;
  return loss.reason;
}
