/**
 * Every error the runtime raises or reports carries a stable `code` (and, for sockets, the close
 * code it led to). The table is the documentation: runtime/README.md lists the same codes.
 */
export const RUNTIME_ERROR_CODES = {
  SW_AUTH_MISSING: 'no credential was presented',
  SW_AUTH_INVALID: 'the credential was rejected (bad signature, algorithm, expiry, unknown key or session)',
  SW_AUTH_DEADLINE: 'the first-message credential did not arrive in time',
  SW_ORIGIN_REJECTED: 'the Origin header is not on the allow-list',
  SW_FRAME_NOT_JSON: 'an inbound frame is not JSON text',
  SW_FRAME_BINARY: 'an inbound frame is binary where the contract defines text',
  SW_FRAME_INVALID: 'an inbound frame does not match the contract',
  SW_FRAME_UNKNOWN_PARTS: 'a valid inbound frame carries properties or values the contract does not know (delivered)',
  SW_FRAME_TOO_LARGE: 'an inbound frame exceeds the size limit',
  SW_FRAME_PROTOCOL: 'an inbound frame breaks the WebSocket protocol (text that is not UTF-8, a bad opcode or close code)',
  SW_RATE_LIMITED: 'too many inbound frames per second',
  SW_TOO_MANY_CONNECTIONS: 'the connection limit was reached',
  SW_OUTBOUND_INVALID: 'the server tried to send a message that does not match the contract',
  SW_SSE_FIELD_INVALID: 'an SSE event to send has an id or event name with a line break (or an id with NUL), which would start a new field',
  SW_SLOW_CONSUMER: "a client's send buffer stayed over its bound",
  SW_PONG_TIMEOUT: 'no pong within the contract timeout',
  SW_NOT_FOUND: 'no channel at this address',
  SW_HANDLER_FAILED: 'an application handler threw',
  SW_CONFIG_INVALID: 'an option given to the runtime is not valid',
  SW_BUS_UNAVAILABLE: 'the message bus (Redis) cannot be reached: this instance keeps serving its own clients and catches up when it returns',
  SW_BUS_BACKLOG_FULL: 'too many messages waited for the bus to return; the oldest were dropped',
  SW_VALIDATORS_UNAVAILABLE: "a channel's generated validators could not be loaded (its module failed to import)",
  // Raised or reported by the client (runtime/client).
  SW_AUTH_REJECTED: 'the server refused the credential (HTTP 401/403, close 4401/4403); the client does not retry',
  SW_CONNECTION_REFUSED: 'the server refused the connection for good (a status or close code the contract says not to retry)',
  SW_CONNECTION_LOST: 'the connection closed or could not be opened; the client reconnects',
  SW_RETRIES_EXHAUSTED: "the contract's maximum number of reconnection attempts was reached",
  SW_SERVER_SILENT: "no frame from the server within the contract's heartbeat interval plus tolerance",
  SW_MESSAGE_TOO_LARGE: "an outbound message is over the contract's size limit; nothing was sent",
  SW_CLIENT_CLOSED: 'the client is closed; the message was not sent',
  SW_TRANSPORT_UNAVAILABLE: 'no WebSocket or fetch implementation can carry this connection here',
} as const;

export type RuntimeErrorCode = keyof typeof RUNTIME_ERROR_CODES;

export class StreamwrightError extends Error {
  readonly code: RuntimeErrorCode;
  /** The WebSocket close code or HTTP status this error led to, when it led to one. */
  readonly status?: number;
  /** Contract-level validation errors, for SW_FRAME_INVALID / SW_OUTBOUND_INVALID. */
  readonly details?: readonly { pointer: string; keyword: string; message: string }[];

  constructor(code: RuntimeErrorCode, message?: string, extra: { status?: number; details?: StreamwrightError['details']; cause?: unknown } = {}) {
    super(message ?? RUNTIME_ERROR_CODES[code], extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'StreamwrightError';
    this.code = code;
    if (extra.status !== undefined) this.status = extra.status;
    if (extra.details !== undefined) this.details = extra.details;
  }
}
