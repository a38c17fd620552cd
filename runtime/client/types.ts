import type { ReconnectSpec } from '../contract.ts';
import type { StreamwrightError } from '../errors.ts';

/**
 * A credential: the value itself, or a function that returns a fresh one. A function is called
 * before every connection attempt, so that a reconnect presents a token that has not expired.
 */
export type Credential = string | (() => string | Promise<string>);

/** Credentials by security scheme id of the contract; the client picks the one it can carry. */
export type ClientAuth = Readonly<Record<string, Credential | undefined>>;

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** Where the client runs: decides which transports and credential paths are possible. */
export type ClientEnvironment = 'auto' | 'node' | 'browser';

export interface OpenEvent {
  /** True when this open follows a lost connection. */
  readonly reconnected: boolean;
  /** The security scheme the credential was presented with, if any. */
  readonly scheme: string | undefined;
}

export interface ReconnectingEvent {
  /** 1 for the first reconnection attempt after a loss, 2 for the next, … */
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: StreamwrightError;
}

export interface ClosedEvent {
  /** WebSocket close code (SSE: 1000 when closed by the client, 1006 otherwise). */
  readonly code: number;
  readonly reason: string;
  /** HTTP status of a refused upgrade or stream request, when there was one. */
  readonly httpStatus?: number;
  /** Why the client gave up; absent when `close()` was called. */
  readonly error?: StreamwrightError;
}

/** One contract problem of an inbound frame (a generated validator's error or warning). */
export interface FrameProblem {
  /** JSON pointer into the message (SSE: into `data`); for a missing or extra property, the property itself. */
  readonly pointer: string;
  /** The JSON Schema keyword, `tag`, or `x-sw-known-values` for a value outside an open set. */
  readonly keyword: string;
  readonly message: string;
}

/**
 * An inbound frame the contract does not fully describe. `unknown`: the frame is valid but
 * carries properties or values the contract does not know (a server's minor release); it was
 * delivered. `invalid`: it breaks the contract (not JSON, binary, unknown tag, schema); what
 * happened to it is `action`, chosen by the `onInvalid` option.
 */
export interface InvalidEvent {
  readonly kind: 'unknown' | 'invalid';
  /** SW_FRAME_UNKNOWN_PARTS, SW_FRAME_INVALID, SW_FRAME_NOT_JSON or SW_FRAME_BINARY. */
  readonly error: StreamwrightError;
  /** Pointer of the first problem ('' when the whole frame is at fault). */
  readonly pointer: string;
  readonly problems: readonly FrameProblem[];
  /** The tag the frame carries, when it carries one. */
  readonly tag: string | null;
  /** The parsed message (SSE: the event's data), when the frame was JSON. */
  readonly message?: unknown;
  /** The frame as received: text or binary data (WebSocket), the parsed event (SSE). */
  readonly frame: unknown;
  readonly action: 'delivered' | 'dropped' | 'closed';
}

/** What `onInvalid` does with a frame that breaks the contract (frames with only unknown parts are always delivered). */
export type InvalidPolicy = 'drop' | 'deliver' | 'close';

/** Frames reported through `invalid` since the channel was created. */
export interface InvalidCounts {
  /** Valid frames with unknown properties or values (delivered). */
  readonly unknown: number;
  /** Frames that broke the contract (delivered, dropped or closing as `onInvalid` says). */
  readonly invalid: number;
}

export interface StateEvents {
  open: OpenEvent;
  reconnecting: ReconnectingEvent;
  closed: ClosedEvent;
  /** Every inbound frame the contract does not fully describe; nothing is dropped without one. */
  invalid: InvalidEvent;
  /** Reported, never thrown: handler failures, auth rejections, a silent server. */
  error: StreamwrightError;
}

/** Something a message handler learns besides the message (SSE: the event id). */
export interface MessageMeta {
  /** The tag (`type` value or SSE event name), or null for an untagged message. */
  readonly tag: string | null;
  /** SSE only: the event's `id:`. */
  readonly id?: string;
}

/** The subset of `fetch` the client uses. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** The subset of the WHATWG WebSocket constructor the client uses. */
export type WebSocketConstructorLike = new (url: string, protocols?: string | string[]) => WebSocketLike;

export interface WebSocketLike {
  readonly readyState: number;
  readonly protocol: string;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  addEventListener(type: string, listener: (ev: { data: string; lastEventId: string }) => void): void;
  close(): void;
}

export type EventSourceConstructorLike = new (url: string, init?: { withCredentials?: boolean }) => EventSourceLike;

/** Options every generated client accepts (per client, and per channel to override). */
export interface ClientOptions {
  /** Multiplies the contract's timings (backoff, heartbeat silence); 0.01 runs 100× faster. Not the rate limit. */
  timeScale?: number;
  /** Overrides parts of the contract's reconnection advice; `false` never reconnects. */
  reconnect?: Partial<ReconnectSpec> | false;
  /** Validate inbound frames against the contract (default true). */
  validateInbound?: boolean;
  /** Validate outbound messages before sending (default true). */
  validateOutbound?: boolean;
  /**
   * What to do with an inbound frame that breaks the contract (not JSON, binary, unknown tag,
   * schema): `drop` it (default), `deliver` it anyway when it is a JSON message (handlers of its
   * tag, `onAny`, iterators; its type is then not guaranteed), or `close` the channel for good
   * (close code 1003, error SW_FRAME_INVALID). Each one is an `invalid` state event and counted
   * (`invalidCounts`). A frame that is valid but carries properties or values the contract does
   * not know is always delivered and reported as `invalid` with kind `unknown`.
   */
  onInvalid?: InvalidPolicy;
  /** Pace outbound messages under the contract's rate limit instead of being cut off (default true). */
  pace?: boolean;
  /** Detect a server that stays silent past the contract's heartbeat (default true). */
  detectSilence?: boolean;
  /** `auto` (default) treats Node as `node`, anything else as `browser`. */
  environment?: ClientEnvironment;
  /** SSE in a browser: `auto` uses EventSource where it can carry the credential, else fetch. */
  sseTransport?: 'auto' | 'fetch' | 'eventsource';
  /** Replacements for the globals (tests, polyfills). */
  WebSocket?: WebSocketConstructorLike;
  EventSource?: EventSourceConstructorLike;
  fetch?: FetchLike;
  /** Extra request headers (Node only; browsers cannot set headers on a WebSocket). */
  headers?: Readonly<Record<string, string>>;
  /** Source of randomness for the backoff jitter. */
  random?: () => number;
  /** Messages buffered per async iterator before the oldest are dropped (default 10000). */
  iteratorBuffer?: number;
}

/** What a generated validator returns (`validators.gen.js`). */
export interface ValidationResult {
  ok: boolean;
  value?: unknown;
  errors?: readonly FrameProblem[];
  /** On a valid value: properties and values the contract does not know. */
  warnings?: readonly FrameProblem[];
}
