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

/** A generated channel-direction validator: `(data)` on WebSocket, `(event, data)` on SSE. */
export type ChannelValidator = (...args: unknown[]) => ValidationResult;

/** What a handler knows about the connection a message came from. */
export interface ConnectionInfo {
  readonly id: number;
  readonly channel: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly principal: Principal | undefined;
  readonly request: IncomingMessage;
}

export interface WsPeer extends ConnectionInfo {
  /** Validates (unless turned off) and sends; throws StreamwrightError SW_OUTBOUND_INVALID. */
  send(message: unknown): void;
  /** Sends the contract's error message with this code. */
  sendError(code: string, message: string): void;
  close(code: number, reason?: string): void;
}

export interface SsePeer extends ConnectionInfo {
  /** Sends an event to this connection only (it gets an id, but is not kept for replay). */
  send(event: string, data: unknown): void;
  /** Whether the client resumed with a Last-Event-ID the server could replay from. */
  readonly resumed: boolean;
  end(): void;
}

export interface WsChannelHandlers {
  /** Decides whether to accept after authentication (e.g. the resource exists): return an error code of the contract to refuse. */
  authorize?(peer: ConnectionInfo): { errorCode: string; message: string; closeCode: number } | { httpStatus: number } | undefined | Promise<{ errorCode: string; message: string; closeCode: number } | { httpStatus: number } | undefined>;
  open?(peer: WsPeer): void;
  /** A validated client message (its tag already checked). */
  message?(peer: WsPeer, message: unknown): void;
  close?(peer: WsPeer, code: number, reason: string): void;
}

export interface SseChannelHandlers {
  authorize?(peer: ConnectionInfo): { httpStatus: number } | undefined | Promise<{ httpStatus: number } | undefined>;
  open?(peer: SsePeer): void;
  close?(peer: SsePeer): void;
}

export interface HttpChannelHandlers {
  /** A validated request body; returns the status and JSON body of the response. */
  request(body: unknown, info: ConnectionInfo): { status: number; body?: unknown } | Promise<{ status: number; body?: unknown }>;
}

export interface RuntimeServerOptions {
  api: ApiDescription;
  /** Per channel id, the generated validators of each direction. */
  validators: Readonly<Record<string, { send?: ChannelValidator; receive?: ChannelValidator }>>;
  handlers: Readonly<Record<string, WsChannelHandlers | SseChannelHandlers | HttpChannelHandlers>>;
  auth: AuthVerifiers & {
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
  unsupportedData: 1003,
  policy: 1008,
  tooBig: 1009,
  internal: 1011,
  /** Slow consumer: the client may reconnect later. */
  tryAgainLater: 1013,
} as const;
