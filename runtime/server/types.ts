import type { IncomingMessage } from 'node:http';
import type { Principal, AuthVerifiers } from '../auth/authenticate.ts';
import type { ApiDescription } from '../contract.ts';
import type { Bus } from '../bus/types.ts';
import type { CorsOptions } from './cors.ts';
import type { StreamwrightError } from '../errors.ts';

export interface ValidationResult {
  ok: boolean;
  value?: unknown;
  errors?: readonly { pointer: string; keyword: string; message: string }[];
}

/** A generated validator of a WebSocket or HTTP channel direction: `(data)`. */
export type MessageValidator = (data: unknown) => ValidationResult;
/** A generated validator of an SSE channel's events: `(event, data)`. */
export type EventValidator = (event: string, data: unknown) => ValidationResult;
/** A validator built to take either form (the mock builds its validators from the IR at run time). */
export type ChannelValidator = (...args: unknown[]) => ValidationResult;

/** Path parameters of a channel address, by name. */
export type ChannelParams = Readonly<Record<string, string>>;

/**
 * What a handler knows about the connection a message came from. `P` is the channel's parameters
 * as the generated code types them. One connection has one `id`, from its first handler call on.
 */
export interface ConnectionInfo<P = ChannelParams> {
  readonly id: number;
  readonly channel: string;
  readonly params: P;
  readonly query: URLSearchParams;
  readonly principal: Principal | undefined;
  readonly request: IncomingMessage;
}

/** A WebSocket client; `Out` is the union of messages the server may send it. */
export interface WsPeer<Out = unknown, P = ChannelParams> extends ConnectionInfo<P> {
  /** Validates (unless turned off) and sends; throws StreamwrightError SW_OUTBOUND_INVALID. */
  send(message: Out): void;
  /** Sends the contract's error message with this code. */
  sendError(code: string, message: string): void;
  close(code: number, reason?: string): void;
}

/** An SSE client; `Events` maps each event name the server may send to its data. */
export interface SsePeer<Events = Record<string, unknown>, P = ChannelParams> extends ConnectionInfo<P> {
  /** Sends an event to this connection only (it gets an id, but is not kept for replay). */
  send<E extends keyof Events & string>(event: E, data: Events[E]): void;
  /** Whether the client resumed with a Last-Event-ID the server could replay from. */
  readonly resumed: boolean;
  end(): void;
}

/** Refuses a WebSocket connection: with the contract's error message and a close code, or an HTTP status before the upgrade. */
export type WsRefusal = { errorCode: string; message: string; closeCode: number } | { httpStatus: number };
/** Refuses an event stream with an HTTP status. */
export type SseRefusal = { httpStatus: number };

// Handlers are declared with method syntax on purpose: a channel's typed handlers
// (`WsChannelHandlers<Out, In, P>`) are then accepted where the runtime keeps them untyped.

/** Handlers of a WebSocket channel: `Out` the server's messages, `In` the client's, `P` the path parameters. */
export interface WsChannelHandlers<Out = unknown, In = unknown, P = ChannelParams> {
  /** Decides whether to accept after authentication (e.g. the resource exists): return an error code of the contract to refuse. */
  authorize?(peer: ConnectionInfo<P>): WsRefusal | undefined | Promise<WsRefusal | undefined>;
  open?(peer: WsPeer<Out, P>): void;
  /** A validated client message (its tag already checked). */
  message?(peer: WsPeer<Out, P>, message: In): void;
  close?(peer: WsPeer<Out, P>, code: number, reason: string): void;
}

/** Handlers of an SSE channel: `Events` maps event names to data, `P` the path parameters. */
export interface SseChannelHandlers<Events = Record<string, unknown>, P = ChannelParams> {
  authorize?(peer: ConnectionInfo<P>): SseRefusal | undefined | Promise<SseRefusal | undefined>;
  open?(peer: SsePeer<Events, P>): void;
  close?(peer: SsePeer<Events, P>): void;
}

/** The handler of an HTTP channel: `Body` the validated request body, `P` the path parameters. */
export interface HttpChannelHandlers<Body = unknown, P = ChannelParams> {
  /** A validated request body; returns the status and JSON body of the response. */
  request(body: Body, info: ConnectionInfo<P>): { status: number; body?: unknown } | Promise<{ status: number; body?: unknown }>;
}

/** The validators of one channel, by direction. */
export interface ChannelValidators {
  /** `(data)` on a WebSocket channel, `(event, data)` on an SSE channel. */
  send?: MessageValidator | EventValidator;
  receive?: MessageValidator;
}

/**
 * A channel's validators: given at once, or as a function that imports them (the generated
 * server passes `() => import('./validators/<Channel>.gen.js')`). A function is called once, on
 * the channel's first connection (before any of its frames is read) or first outbound message,
 * and its result kept; a failed import is SW_VALIDATORS_UNAVAILABLE and is tried again next time.
 */
export type ChannelValidatorsSource = ChannelValidators | (() => Promise<ChannelValidators>);

export interface RuntimeServerOptions {
  api: ApiDescription;
  /** Per channel id, the generated validators of each direction (or a function that loads them). */
  validators: Readonly<Record<string, ChannelValidatorsSource>>;
  handlers: Readonly<Record<string, WsChannelHandlers | SseChannelHandlers | HttpChannelHandlers>>;
  /**
   * The verifiers of the contract's security schemes. May be left out when the contract has none;
   * a scheme whose verifier is missing refuses every credential (the generated options type
   * requires the ones the contract needs).
   */
  auth?: AuthVerifiers & {
    /** Origins allowed to use cookie credentials; a request without Origin (not a browser) is allowed. */
    allowedOrigins?: readonly string[];
  };
  /** Cross-origin browser access to SSE and HTTP channels (off by default). */
  cors?: CorsOptions;
  /** Builds the contract's error payload for a channel (tag, code, message, timestamps…). */
  errorMessage?(channel: string, code: string, message: string): unknown;
  /** Builds the heartbeat payload a channel sends. */
  heartbeatMessage?(channel: string): unknown;
  /**
   * Error code the contract uses for a frame that is not valid (e.g. `invalid_message`). `frame`
   * says why it was refused and, when it was JSON, what it parsed to, so that a contract can use
   * different codes (steadybase: `invalid_message` for a non-object, `unsupported_message` for an
   * object on a channel that accepts no client messages).
   */
  invalidFrameErrorCode?(channel: string, frame?: { error: StreamwrightError; message?: unknown }): string | undefined;
  /**
   * What broadcasts, SSE publishes, targeted sends and connection limits go through: `memoryBus()`
   * (default) for one process, `redisBus({ url })` to share them between instances.
   */
  bus?: Bus;
  /** Validate outbound messages (default true). */
  validateOutbound?: boolean;
  /** Multiplies every contract timing (0.01 runs a 15 s heartbeat every 150 ms). */
  timeScale?: number;
  /** Per-connection bound on unsent bytes before a slow consumer is cut off (default 1 MiB). */
  maxBufferedBytes?: number;
  /** Interval of protocol-level pings that find dead peers (default 30 s, scaled). */
  pingIntervalMs?: number;
  /** Clock, in ms since the epoch. */
  now?: () => number;
  /** Told about every error the runtime handles (bad frames, handler failures); never throws. */
  onError?(error: Error, info?: { channel?: string; connection?: number }): void;
  /**
   * Self-contained HTML pages answered at exact paths on GET (the dev console at `/_console`),
   * before channel routing; each is rendered on first request by its function.
   */
  pages?: Readonly<Record<string, () => Promise<string>>>;
}

/** Close codes the runtime uses beyond those the contract names. */
export const CLOSE = {
  normal: 1000,
  goingAway: 1001,
  protocol: 1002,
  unsupportedData: 1003,
  invalidText: 1007,
  policy: 1008,
  tooBig: 1009,
  internal: 1011,
  /** Slow consumer: the client may reconnect later. */
  tryAgainLater: 1013,
} as const;
