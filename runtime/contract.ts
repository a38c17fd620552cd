/**
 * The behaviours a contract declares through its x-sw-* extensions, as the runtime reads them
 * from generated metadata (and the generator's IR carries them). The JSON Schemas in
 * spec/extensions/ are the authority; these types mirror them.
 */

export interface SseSpec {
  headers: Record<string, string>;
  eventIds: boolean;
  retryMs?: number;
  resume?: { lastEventId: boolean; bufferSize: number };
  keepAliveCommentMs?: number;
}

export type HeartbeatSpec =
  | { mode: 'none'; description?: string }
  | {
      mode: 'message' | 'sse-event';
      intervalMs: number;
      toleranceMs?: number;
      message: string;
      pong?: { message: string; timeoutMs: number; closeCode?: number };
      description?: string;
    };

export interface OnExceedSpec {
  action: 'close' | 'error' | 'error-and-close' | 'reject' | 'end-stream';
  closeCode?: number;
  reason?: string;
  errorCode?: string;
  httpStatus?: number;
}

export interface LimitSpec {
  limit: number;
  onExceed: OnExceedSpec;
  description?: string;
}

export interface LimitsSpec {
  maxMessageBytes?: LimitSpec;
  maxMessagesPerSecond?: LimitSpec;
  maxConnections?: LimitSpec & { per?: { query?: string; jwtClaim?: string } };
  maxStreamDurationMs?: LimitSpec;
}

export interface PollSpec {
  intervalMs: number;
  fingerprint?: readonly string[];
  batchLimits?: Record<string, number>;
  description?: string;
}

export interface ErrorsSpec {
  message: string;
  codePointer: string;
  codes: Record<string, { description: string; when: readonly string[]; then: { action: 'continue' | 'close'; closeCode?: number } }>;
}

export interface ReconnectSpec {
  initialDelayMs: number;
  multiplier: number;
  maxDelayMs: number;
  firstExponent?: number;
  maxRetries: number | null;
  resetOnOpen?: boolean;
  jitter?: 'none' | 'full';
  doNotRetry?: { closeCodes?: readonly number[]; httpStatuses?: readonly number[]; errorCodes?: readonly string[] };
  description?: string;
}

/** One rule of x-sw-sequence (spec/extensions/x-sw-sequence.schema.json). */
export interface SequenceRule {
  id: string;
  kind: 'first' | 'last' | 'before' | 'once' | 'every';
  description?: string;
  messages?: readonly string[];
  first?: readonly string[];
  then?: readonly string[];
  ignore?: readonly string[];
  key?: string;
  keyByMessage?: Readonly<Record<string, string>>;
  /** `once` only: at-most-once (default) or exactly-once per connection (per key). */
  count?: 'at-most-once' | 'exactly-once';
  intervalMs?: number;
  toleranceMs?: number;
}

export interface SequenceSpec {
  description?: string;
  rules: readonly SequenceRule[];
}

export interface AuthSpec {
  credential: {
    in: 'header' | 'query' | 'cookie' | 'subprotocol' | 'first-message';
    name?: string;
    prefix?: string;
    message?: string;
    property?: string;
    deadlineMs?: number;
  };
  jwt?: { algorithms: readonly string[]; clockToleranceSec?: number; requiredClaims?: readonly string[] };
  originAllowList?: boolean;
  onFailure: { action: 'http-status' | 'error-and-close'; httpStatus?: number; errorCode?: string; closeCode?: number };
  browser?: string;
}

/** A server of the API (metadata.gen.ts `api.servers`). */
export interface ServerDescription {
  readonly id: string;
  readonly host: string;
  readonly protocol: string;
  readonly pathname?: string;
  readonly description?: string;
  readonly security: readonly string[];
}

export interface SecuritySchemeDescription {
  readonly id: string;
  readonly type: string;
  readonly description?: string;
  readonly in?: string;
  readonly name?: string;
  readonly scheme?: string;
  readonly bearerFormat?: string;
  readonly auth?: AuthSpec;
}

export interface OperationDescription {
  readonly id: string;
  readonly summary?: string;
  readonly description?: string;
  readonly messages: readonly string[];
  readonly security: readonly string[];
  readonly httpMethod?: string;
  readonly http?: { readonly responses: Readonly<Record<string, { readonly description: string; readonly body?: unknown }>> };
}

export interface DirectionDescription {
  /** The messages of the direction: key in the channel, tag (null when alone and untagged), type name. */
  readonly messages: readonly { readonly key: string; readonly tag: string | null; readonly type: string }[];
  readonly operations: readonly OperationDescription[];
}

export interface ChannelDescription {
  readonly id: string;
  readonly address: string;
  readonly transport: 'ws' | 'sse' | 'http';
  readonly title?: string;
  readonly description?: string;
  readonly parameters: readonly {
    readonly name: string;
    readonly description?: string;
    readonly enum?: readonly string[];
    readonly default?: string;
    readonly examples?: readonly string[];
  }[];
  readonly query?: unknown;
  readonly servers: readonly string[];
  readonly tagProperty: string | null;
  readonly sse?: SseSpec;
  readonly heartbeat?: HeartbeatSpec;
  readonly limits?: LimitsSpec;
  readonly poll?: PollSpec;
  readonly errors?: ErrorsSpec;
  readonly reconnect?: ReconnectSpec;
  readonly sequence?: SequenceSpec;
  /** Server → client. */
  readonly send: DirectionDescription;
  /** Client → server. */
  readonly receive: DirectionDescription;
}

/** The whole API as data: the shape of `api` in every generated metadata.gen.ts. */
export interface ApiDescription {
  readonly name: string;
  readonly title: string;
  readonly version: string;
  readonly servers: readonly ServerDescription[];
  readonly securitySchemes: readonly SecuritySchemeDescription[];
  readonly reconnect?: ReconnectSpec;
  readonly channels: Readonly<Record<string, ChannelDescription>>;
}
