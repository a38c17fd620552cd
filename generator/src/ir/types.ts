/**
 * The intermediate representation: plain, serialisable data that every emitter reads (emitters
 * never see the raw document). Every node keeps `pointer`, the JSON pointer it came from, so
 * generated code and diagnostics can point back into the spec.
 */

export type JsonSchema = boolean | { [keyword: string]: unknown };
export type Direction = 'send' | 'receive';

export interface ApiIR {
  /** The API's short name (`steadybase`), from the config or the file name. */
  name: string;
  title: string;
  version: string;
  description?: string;
  servers: ServerIR[];
  channels: ChannelIR[];
  messages: MessageIR[];
  /** Every named schema, referenced from others as `{ $ref: '#/definitions/<id>' }`. */
  schemas: SchemaIR[];
  securitySchemes: SecuritySchemeIR[];
  reconnect?: ReconnectIR;
  pointer: string;
}

export interface ServerIR {
  id: string;
  host: string;
  protocol: string;
  pathname?: string;
  description?: string;
  /** Ids of the security schemes, any one of which is accepted. */
  security: string[];
  pointer: string;
}

export type Transport = 'ws' | 'sse' | 'http';

export interface ChannelIR {
  id: string;
  /** Identifier stem for this channel's generated names (`Events`, `WorkflowRunStream`). */
  typeName: string;
  address: string;
  transport: Transport;
  title?: string;
  description?: string;
  parameters: ParameterIR[];
  /** Query parameters (`bindings.ws.query`), as a JSON Schema object. */
  query?: JsonSchema;
  /** Server ids the channel is available on. */
  servers: string[];
  /** The payload property holding the tag; null on SSE channels, where the event name is the tag. */
  tagProperty: string | null;
  send: ChannelDirectionIR;
  receive: ChannelDirectionIR;
  sse?: SseIR;
  heartbeat?: HeartbeatIR;
  limits?: LimitsIR;
  poll?: PollIR;
  errors?: ErrorsIR;
  reconnect?: ReconnectIR;
  pointer: string;
}

export interface ParameterIR {
  name: string;
  description?: string;
  enum?: string[];
  default?: string;
  examples?: string[];
}

export interface ChannelDirectionIR {
  /** Identifier of the union of this direction's messages (`EventsServerMessage`). */
  unionName: string;
  /** Identifier of its tag → type map. */
  mapName: string;
  /** Identifier of the validator that reads the tag, then validates that one message. */
  validatorName: string;
  messages: ChannelMessageIR[];
  operations: OperationIR[];
}

export interface ChannelMessageIR {
  /** Key in the channel's `messages` map. */
  key: string;
  /** Id of the `MessageIR`. */
  message: string;
  /** The tag value, or null for a message that is alone and untagged. */
  tag: string | null;
}

export interface OperationIR {
  id: string;
  summary?: string;
  description?: string;
  /** Keys of this channel's messages the operation carries. */
  messages: string[];
  /** Security scheme ids (alternatives); empty = those of the servers. */
  security: string[];
  httpMethod?: string;
  http?: { responses: Record<string, { description: string; body?: JsonSchema }> };
  pointer: string;
}

export interface MessageIR {
  /** Stable id: the component name, or `<channel>.<key>` for a message written inline. */
  id: string;
  /** Identifier of the message's type (`WorkerStatus`). */
  typeName: string;
  /** Identifier of its type guard (`isWorkerStatus`) and validator (`validateWorkerStatus`). */
  guardName: string;
  validatorName: string;
  /** Guard over SSE event envelopes (`isFleetSnapshotEvent`), when the message is an SSE event. */
  eventGuardName?: string;
  name?: string;
  title?: string;
  summary?: string;
  description?: string;
  /** Id of the payload's `SchemaIR`. */
  payload: string;
  examples: { name?: string; payload: unknown }[];
  pointer: string;
}

export interface SchemaIR {
  /** Definition key, unique; also the type name. */
  id: string;
  typeName: string;
  schema: JsonSchema;
  pointer: string;
}

export interface SecuritySchemeIR {
  id: string;
  type: string;
  description?: string;
  /** `in` and `name` of httpApiKey / apiKey schemes; `scheme` / `bearerFormat` of http ones. */
  in?: string;
  name?: string;
  scheme?: string;
  bearerFormat?: string;
  auth?: AuthIR;
  pointer: string;
}

// The x-sw-* behaviours, as their schemas in spec/extensions/ define them.

export interface SseIR {
  headers: Record<string, string>;
  eventIds: boolean;
  retryMs?: number;
  resume?: { lastEventId: boolean; bufferSize: number };
  keepAliveCommentMs?: number;
}

export type HeartbeatIR =
  | { mode: 'none'; description?: string }
  | {
      mode: 'message' | 'sse-event';
      intervalMs: number;
      toleranceMs?: number;
      message: string;
      pong?: { message: string; timeoutMs: number; closeCode?: number };
      description?: string;
    };

export interface OnExceedIR {
  action: 'close' | 'error' | 'error-and-close' | 'reject' | 'end-stream';
  closeCode?: number;
  reason?: string;
  errorCode?: string;
  httpStatus?: number;
}

export interface LimitIR {
  limit: number;
  onExceed: OnExceedIR;
  description?: string;
}

export interface LimitsIR {
  maxMessageBytes?: LimitIR;
  maxMessagesPerSecond?: LimitIR;
  maxConnections?: LimitIR & { per?: { query?: string; jwtClaim?: string } };
  maxStreamDurationMs?: LimitIR;
}

export interface PollIR {
  intervalMs: number;
  fingerprint?: string[];
  batchLimits?: Record<string, number>;
  description?: string;
}

export interface ErrorsIR {
  message: string;
  codePointer: string;
  codes: Record<string, { description: string; when: string[]; then: { action: 'continue' | 'close'; closeCode?: number } }>;
}

export interface ReconnectIR {
  initialDelayMs: number;
  multiplier: number;
  maxDelayMs: number;
  firstExponent?: number;
  maxRetries: number | null;
  resetOnOpen?: boolean;
  jitter?: 'none' | 'full';
  doNotRetry?: { closeCodes?: number[]; httpStatuses?: number[]; errorCodes?: string[] };
  description?: string;
}

export interface AuthIR {
  credential: { in: 'header' | 'query' | 'cookie' | 'subprotocol' | 'first-message'; name?: string; prefix?: string; message?: string; property?: string; deadlineMs?: number };
  jwt?: { algorithms: string[]; clockToleranceSec?: number; requiredClaims?: string[] };
  originAllowList?: boolean;
  onFailure: { action: 'http-status' | 'error-and-close'; httpStatus?: number; errorCode?: string; closeCode?: number };
  browser?: string;
}
