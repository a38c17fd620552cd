/**
 * The intermediate representation: plain, serialisable data that every emitter reads (emitters
 * never see the raw document). Every node keeps `pointer`, the JSON pointer it came from, so
 * generated code and diagnostics can point back into the spec.
 */

// The x-sw-* behaviours are the runtime's vocabulary; the IR carries them as the runtime reads them.
import type {
  AuthSpec as AuthIR,
  ErrorsSpec as ErrorsIR,
  HeartbeatSpec as HeartbeatIR,
  LimitsSpec as LimitsIR,
  PollSpec as PollIR,
  ReconnectSpec as ReconnectIR,
  SequenceSpec as SequenceIR,
  SseSpec as SseIR,
} from '../../../runtime/index.ts';

export type { AuthIR, ErrorsIR, HeartbeatIR, LimitsIR, PollIR, ReconnectIR, SequenceIR, SseIR };

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
  /**
   * The payload property holding the tag; null on SSE channels, where the event name is the tag,
   * and where no direction has one. Each direction says how it dispatches (`dispatch`).
   */
  tagProperty: string | null;
  send: ChannelDirectionIR;
  receive: ChannelDirectionIR;
  sse?: SseIR;
  heartbeat?: HeartbeatIR;
  limits?: LimitsIR;
  poll?: PollIR;
  errors?: ErrorsIR;
  reconnect?: ReconnectIR;
  sequence?: SequenceIR;
  /** Set (to its servers' protocols) for a channel on a protocol the runtime does not speak: no server or client stub. */
  stubless?: string[];
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
  /**
   * How a frame is matched to a message (load/discriminator.ts): by the `tagProperty` value, by
   * the SSE event name (shape within an event several messages share), the only message, or by
   * shape (first match in document order).
   */
  dispatch: 'property' | 'event' | 'single' | 'shape' | 'none';
  /** The payload property holding the tag, when `dispatch` is `property`. */
  tagProperty?: string;
  messages: ChannelMessageIR[];
  operations: OperationIR[];
}

export interface ChannelMessageIR {
  /** Key in the channel's `messages` map. */
  key: string;
  /** Id of the `MessageIR`. */
  message: string;
  /** The tag value (property value or SSE event name), or null for a message without one. */
  tag: string | null;
  /** The tag is a `discriminator` mapping entry or the payload schema's name, not a `const` of the payload. */
  tagImplicit?: true;
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
  /** `auth` was derived from the standard scheme (no `x-sw-auth`): its verifier is a required server option. */
  authDerived?: true;
  pointer: string;
}
