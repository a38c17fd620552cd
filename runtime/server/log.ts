/**
 * One structured record per runtime event (a refused login, a slow consumer cut off, a handler
 * that threw), for whoever prints them: the library hands them to `onError`, the CLI prints one
 * JSON line each. Credentials never reach a record: known secrets and anything shaped like one
 * are masked in the message.
 */
export interface RuntimeEventInfo {
  api?: string;
  channel?: string;
  connection?: number;
}

export interface LogRecord {
  time: string;
  level: 'warn' | 'error';
  /** The error's stable code (`SW_AUTH_INVALID`, `SW_SLOW_CONSUMER`…), or `SW_INTERNAL`. */
  code: string;
  message: string;
  api?: string;
  channel?: string;
  connection?: number;
}

// Expected under attack or load, not a fault of the server: warn. Anything else is an error.
const WARN_CODES = /^SW_(AUTH_|SLOW_CONSUMER|LIMIT|RATE|FRAME|ORIGIN|MESSAGE_|PAYLOAD_|CONNECTION_|NOT_FOUND|TOO_MANY_CONNECTIONS|PONG_TIMEOUT)/;
const MASK = '[redacted]';
// Bearer tokens, cookies and subprotocol keys as they appear in headers, JWTs, and long opaque tokens.
const SHAPES: RegExp[] = [
  /\b(Bearer|Basic)\s+[^\s"',;]+/gi,
  // `access_token`, `refresh_token`, `session_id`… too: `\b` does not fall inside a word.
  /\b(\w*token|session\w*|\w*api[_-]?key|password|secret)=([^\s"',;&]+)/gi,
  /\bx-api-key\.[^\s"',;]+/gi,
  /\beyJ[\w-]+\.[\w-]+\.[\w-]*/g,
  /\b[A-Za-z0-9_-]{32,}\b/g,
];

export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join(MASK);
  out = out.replace(SHAPES[0]!, (_, scheme: string) => `${scheme} ${MASK}`);
  out = out.replace(SHAPES[1]!, (_, name: string) => `${name}=${MASK}`);
  for (const shape of SHAPES.slice(2)) out = out.replace(shape, MASK);
  return out;
}

export function logRecord(error: Error, info: RuntimeEventInfo = {}, options: { secrets?: readonly string[]; now?: () => Date } = {}): LogRecord {
  const own = (error as { code?: unknown }).code;
  const code = typeof own === 'string' ? own : 'SW_INTERNAL';
  return {
    time: (options.now?.() ?? new Date()).toISOString(),
    level: WARN_CODES.test(code) ? 'warn' : 'error',
    code,
    message: redact(error.message, options.secrets).replace(/[\u0000-\u001f\u007f-\u009f]/g, ' '),
    ...(info.api !== undefined ? { api: info.api } : {}),
    ...(info.channel !== undefined ? { channel: info.channel } : {}),
    ...(info.connection !== undefined ? { connection: info.connection } : {}),
  };
}
