/**
 * The transcript format: one recorded connection as JSONL (UTF-8, LF, one JSON object per line).
 *
 *   header     what was recorded (API, spec, channel, address, parameters, tool, time)
 *   handshake  the upgrade or SSE request and the answer (secrets redacted)
 *   frame…     every WebSocket message / SSE event, both directions, in the order seen
 *   comment…   SSE comment lines (keep-alives), optional
 *   close      who ended it, with code and reason (absent when the handshake was refused)
 *
 * Transcripts are untrusted input (they come from other teams, other tools, review diffs), so
 * `parseTranscript` validates every line and bounds every size, and answers with coded errors
 * rather than throwing. conformance/transcript.schema.json describes one line; both must agree
 * (test/conformance/transcript.test.ts checks it).
 */

export const TRANSCRIPT_VERSION = 1 as const;

export type Transport = 'ws' | 'sse';
export type Side = 'client' | 'server';

export interface TranscriptHeader {
  kind: 'header';
  version: typeof TRANSCRIPT_VERSION;
  /** API name (`agnt5`, …): generated/<api>/ when it is one of the seed APIs. */
  api: string;
  /** Path of the AsyncAPI document, relative to the repository root when inside it. */
  spec: string;
  /** Channel id in the AsyncAPI document. */
  channel: string;
  transport: Transport;
  /** The channel's address template (`/api/v1/agents/{id}/task-stream`). */
  address: string;
  /** Path parameters, filled in from the request path. */
  parameters: Record<string, string>;
  /** Query parameters of the request (credential values redacted). */
  query: Record<string, string>;
  /** ISO 8601 instant the connection was opened. */
  recordedAt: string;
  /** `streamwright <version>`. */
  tool: string;
  /** Short scenario name (file-name safe). */
  name: string;
  description?: string;
}

export interface TranscriptHandshake {
  kind: 'handshake';
  /** Path and query as requested (credential values redacted, placeholders literal). */
  url: string;
  method: string;
  /** Lower-case header names; credentials redacted; volatile headers (host, date, keys) left out. */
  requestHeaders: Record<string, string>;
  /** The WebSocket subprotocols the client offered, in order (credential values redacted). */
  subprotocols: string[];
  /** The subprotocol the server accepted, when it accepted one. */
  protocol?: string;
  /** HTTP status: 101 for an accepted upgrade, 200 for an SSE stream, else the refusal. */
  status: number;
  responseHeaders: Record<string, string>;
  /** Body of a refused handshake (not 101 / 2xx), as text, when it had one. */
  body?: string;
}

export interface FrameViolation {
  /** `schema`, `unknown-tag`, `not-json`, `binary`, … (lower-case words joined by `-`). */
  rule: string;
  /** JSON pointer into the frame's payload ('' for the whole payload). */
  pointer: string;
  message: string;
}

export interface SseFields {
  id?: string;
  event?: string;
  retry?: number;
}

export interface TranscriptFrame {
  kind: 'frame';
  /** Milliseconds since the handshake started (integer, never decreasing along the file). */
  t: number;
  dir: Side;
  /**
   * The raw text of the message (WebSocket text frame, SSE `data` lines joined with `\n`), or the
   * base64 of a binary frame when `binary` is true. An SSE block without data (a lone `retry:`)
   * has text "" and dispatches no event, so it is not a message.
   */
  text: string;
  /** The message tag (the tag property's value, or the SSE event name) when it has one. */
  tag?: string;
  binary?: true;
  sse?: SseFields;
  /** Contract violations found when recording; absent when the frame conforms. */
  violations?: FrameViolation[];
}

export interface TranscriptComment {
  kind: 'comment';
  t: number;
  /** The comment text after `:` (one leading space removed). */
  text: string;
}

export interface TranscriptClose {
  kind: 'close';
  t: number;
  by: Side;
  /** WebSocket close code; absent for SSE (the stream just ends) or when no code was sent. */
  code?: number;
  reason?: string;
}

export type TranscriptEvent = TranscriptFrame | TranscriptComment;
export type TranscriptLine = TranscriptHeader | TranscriptHandshake | TranscriptEvent | TranscriptClose;

export interface Transcript {
  header: TranscriptHeader;
  handshake: TranscriptHandshake;
  events: TranscriptEvent[];
  /** Absent when the handshake was refused (no connection was opened). */
  close?: TranscriptClose;
}

/** Stable codes of transcript problems. conformance/README.md lists them. */
export const TRANSCRIPT_ERROR_CODES = {
  SW_TRANSCRIPT_TOO_LARGE: 'the transcript exceeds the size or line-count bound',
  SW_TRANSCRIPT_LINE_TOO_LONG: 'a line exceeds the line-length bound',
  SW_TRANSCRIPT_NOT_JSON: 'a line is not JSON',
  SW_TRANSCRIPT_NOT_OBJECT: 'a line is JSON but not an object',
  SW_TRANSCRIPT_UNKNOWN_KIND: 'a line has a missing or unknown `kind`',
  SW_TRANSCRIPT_VERSION: 'the header names a format version this tool does not read',
  SW_TRANSCRIPT_FIELD_MISSING: 'a required field is missing',
  SW_TRANSCRIPT_FIELD_INVALID: 'a field has the wrong type or an out-of-range value',
  SW_TRANSCRIPT_FIELD_UNKNOWN: 'a line has a field the format does not define',
  SW_TRANSCRIPT_ORDER: 'lines are out of order (header first, handshake second, close last, time never decreasing)',
  SW_TRANSCRIPT_TRUNCATED: 'the transcript ends early (no header, no handshake, or no close after an accepted handshake)',
} as const;

export type TranscriptErrorCode = keyof typeof TRANSCRIPT_ERROR_CODES;

export interface TranscriptError {
  code: TranscriptErrorCode;
  /** 1-based line number; 0 for problems of the whole file. */
  line: number;
  /** JSON pointer into the line's object, when the problem is one field. */
  pointer?: string;
  message: string;
}

export type ParseResult = { transcript: Transcript } | { errors: TranscriptError[] };

/** Bounds on untrusted transcripts; generous for real recordings, small enough to never hang. */
export const TRANSCRIPT_LIMITS = {
  maxBytes: 64 * 1024 * 1024,
  maxLines: 200_000,
  /** A frame line holds one message; messages are limited to 64 KiB by the contracts, but a recording may hold an oversize probe. */
  maxLineBytes: 4 * 1024 * 1024,
  maxString: 4 * 1024 * 1024,
  /** Names, header values, ids: anything that is not a frame text. */
  maxShortString: 16 * 1024,
  maxMapEntries: 256,
  maxViolations: 256,
  maxSubprotocols: 64,
} as const;

/** Lines after which `parseTranscript` stops collecting errors: one broken file should not flood a report. */
const MAX_ERRORS = 50;

// ─── parse ───────────────────────────────────────────────────────────────────────────────────────

export function parseTranscript(text: string): ParseResult {
  const errors: TranscriptError[] = [];
  if (typeof text !== 'string') return { errors: [{ code: 'SW_TRANSCRIPT_NOT_JSON', line: 0, message: 'the transcript is not text' }] };
  if (text.length > TRANSCRIPT_LIMITS.maxBytes) {
    return {
      errors: [{ code: 'SW_TRANSCRIPT_TOO_LARGE', line: 0, message: `the transcript has ${text.length} characters (at most ${TRANSCRIPT_LIMITS.maxBytes})` }],
    };
  }
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const rawLines = body.split('\n');
  // One trailing newline ends the last line; it does not start an empty one.
  if (rawLines.length > 0 && rawLines[rawLines.length - 1] === '') rawLines.pop();
  if (rawLines.length > TRANSCRIPT_LIMITS.maxLines) {
    return {
      errors: [{ code: 'SW_TRANSCRIPT_TOO_LARGE', line: 0, message: `the transcript has ${rawLines.length} lines (at most ${TRANSCRIPT_LIMITS.maxLines})` }],
    };
  }

  const lines: { line: number; value: TranscriptLine }[] = [];
  for (let i = 0; i < rawLines.length && errors.length < MAX_ERRORS; i++) {
    const lineNo = i + 1;
    let raw = rawLines[i] as string;
    if (raw.endsWith('\r')) raw = raw.slice(0, -1);
    if (raw.length > TRANSCRIPT_LIMITS.maxLineBytes) {
      errors.push({
        code: 'SW_TRANSCRIPT_LINE_TOO_LONG',
        line: lineNo,
        message: `line has ${raw.length} characters (at most ${TRANSCRIPT_LIMITS.maxLineBytes})`,
      });
      continue;
    }
    if (raw.trim() === '') {
      errors.push({ code: 'SW_TRANSCRIPT_NOT_JSON', line: lineNo, message: 'empty line' });
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      // JSON.parse's message quotes the start of the line: for a file that is not a transcript
      // at all (a planted /etc/passwd) that would print its contents.
      errors.push({ code: 'SW_TRANSCRIPT_NOT_JSON', line: lineNo, message: `not JSON (${raw.length} characters; contents not shown)` });
      continue;
    }
    const checked = checkLine(value, lineNo);
    if ('errors' in checked) errors.push(...checked.errors);
    else lines.push({ line: lineNo, value: checked.value });
  }
  if (errors.length > 0) return { errors: errors.slice(0, MAX_ERRORS) };
  return assemble(lines);
}

function assemble(lines: { line: number; value: TranscriptLine }[]): ParseResult {
  const errors: TranscriptError[] = [];
  const [first, second, ...rest] = lines;
  if (!first) return { errors: [{ code: 'SW_TRANSCRIPT_TRUNCATED', line: 0, message: 'the transcript is empty (expected a header line)' }] };
  if (first.value.kind !== 'header')
    return { errors: [{ code: 'SW_TRANSCRIPT_ORDER', line: first.line, message: `line 1 must be the header, not ${first.value.kind}` }] };
  const header = first.value;
  if (!second) return { errors: [{ code: 'SW_TRANSCRIPT_TRUNCATED', line: 0, message: 'the transcript has no handshake line' }] };
  if (second.value.kind !== 'handshake')
    return { errors: [{ code: 'SW_TRANSCRIPT_ORDER', line: second.line, message: `line 2 must be the handshake, not ${second.value.kind}` }] };
  const handshake = second.value;
  const accepted = isAccepted(header.transport, handshake.status);

  const events: TranscriptEvent[] = [];
  let close: TranscriptClose | undefined;
  let lastT = 0;
  for (const { line, value } of rest) {
    if (value.kind === 'header' || value.kind === 'handshake') {
      errors.push({ code: 'SW_TRANSCRIPT_ORDER', line, message: `a second ${value.kind} line` });
      continue;
    }
    if (!accepted) {
      errors.push({ code: 'SW_TRANSCRIPT_ORDER', line, message: `a ${value.kind} line after a refused handshake (status ${handshake.status})` });
      continue;
    }
    if (close) {
      errors.push({ code: 'SW_TRANSCRIPT_ORDER', line, message: `a ${value.kind} line after the close line` });
      continue;
    }
    if (value.t < lastT) {
      errors.push({ code: 'SW_TRANSCRIPT_ORDER', line, pointer: '/t', message: `time goes back (${value.t} < ${lastT})` });
      continue;
    }
    lastT = value.t;
    if (value.kind === 'close') {
      if (header.transport === 'sse' && value.code !== undefined) {
        errors.push({ code: 'SW_TRANSCRIPT_FIELD_INVALID', line, pointer: '/code', message: 'an SSE stream ends without a close code' });
      }
      close = value;
      continue;
    }
    if (value.kind === 'comment' && header.transport !== 'sse') {
      errors.push({ code: 'SW_TRANSCRIPT_FIELD_INVALID', line, pointer: '/kind', message: 'comment lines exist only on SSE transcripts' });
      continue;
    }
    if (value.kind === 'frame' && header.transport === 'sse') {
      if (value.dir !== 'server') errors.push({ code: 'SW_TRANSCRIPT_FIELD_INVALID', line, pointer: '/dir', message: 'an SSE stream has server frames only' });
      if (value.binary) errors.push({ code: 'SW_TRANSCRIPT_FIELD_INVALID', line, pointer: '/binary', message: 'an SSE stream has no binary frames' });
    }
    if (value.kind === 'frame' && header.transport === 'ws' && value.sse) {
      errors.push({ code: 'SW_TRANSCRIPT_FIELD_INVALID', line, pointer: '/sse', message: 'sse fields exist only on SSE transcripts' });
    }
    events.push(value);
  }
  if (accepted && !close && errors.length === 0) {
    errors.push({ code: 'SW_TRANSCRIPT_TRUNCATED', line: 0, message: 'the handshake was accepted but the transcript has no close line' });
  }
  if (errors.length > 0) return { errors: errors.slice(0, MAX_ERRORS) };
  const transcript: Transcript = { header, handshake, events };
  if (close) transcript.close = close;
  return { transcript };
}

/** Whether a handshake status opened a connection (and so frames and a close line follow). */
export function isAccepted(transport: Transport, status: number): boolean {
  return transport === 'ws' ? status === 101 : status >= 200 && status < 300;
}

type Checked = { value: TranscriptLine } | { errors: TranscriptError[] };

/** Field rules per kind: the same facts as transcript.schema.json, as code. */
function checkLine(value: unknown, line: number): Checked {
  if (!isPlainObject(value)) return { errors: [{ code: 'SW_TRANSCRIPT_NOT_OBJECT', line, message: `a line must be a JSON object, not ${describe(value)}` }] };
  const kind = value.kind;
  const c = new FieldChecker(value, line);
  switch (kind) {
    case 'header': {
      c.allow(['kind', 'version', 'api', 'spec', 'channel', 'transport', 'address', 'parameters', 'query', 'recordedAt', 'tool', 'name', 'description']);
      if (value.version !== undefined && value.version !== TRANSCRIPT_VERSION) {
        return {
          errors: [
            {
              code: 'SW_TRANSCRIPT_VERSION',
              line,
              pointer: '/version',
              message: `format version ${JSON.stringify(value.version)} is not supported (this tool reads version ${TRANSCRIPT_VERSION})`,
            },
          ],
        };
      }
      c.required('version', (v) => v === TRANSCRIPT_VERSION, `${TRANSCRIPT_VERSION}`);
      c.shortString('api', true, NAME);
      c.shortString('spec', true);
      c.shortString('channel', true);
      c.required('transport', (v) => v === 'ws' || v === 'sse', '"ws" or "sse"');
      c.shortString('address', true);
      c.stringMap('parameters', true);
      c.stringMap('query', true);
      c.shortString('recordedAt', true, ISO_INSTANT);
      c.shortString('tool', true);
      c.shortString('name', true, NAME);
      c.optional('description', (v) => typeof v === 'string' && v.length <= TRANSCRIPT_LIMITS.maxShortString, 'a string');
      break;
    }
    case 'handshake': {
      c.allow(['kind', 'url', 'method', 'requestHeaders', 'subprotocols', 'protocol', 'status', 'responseHeaders', 'body']);
      c.shortString('url', true, /^\//);
      c.shortString('method', true, /^[A-Z]{1,16}$/);
      c.stringMap('requestHeaders', true, HEADER_NAME);
      c.required(
        'subprotocols',
        (v) =>
          Array.isArray(v) &&
          v.length <= TRANSCRIPT_LIMITS.maxSubprotocols &&
          v.every((p) => typeof p === 'string' && p.length > 0 && p.length <= TRANSCRIPT_LIMITS.maxShortString),
        'an array of non-empty strings',
      );
      c.shortString('protocol', false);
      c.required('status', (v) => Number.isInteger(v) && (v as number) >= 100 && (v as number) <= 599, 'an HTTP status (100-599)');
      c.stringMap('responseHeaders', true, HEADER_NAME);
      c.optional('body', (v) => typeof v === 'string' && v.length <= TRANSCRIPT_LIMITS.maxString, 'a string');
      break;
    }
    case 'frame': {
      c.allow(['kind', 't', 'dir', 'text', 'tag', 'binary', 'sse', 'violations']);
      c.time();
      c.required('dir', isSide, '"client" or "server"');
      c.required('text', (v) => typeof v === 'string' && v.length <= TRANSCRIPT_LIMITS.maxString, 'a string');
      c.shortString('tag', false);
      c.optional('binary', (v) => v === true, 'true (leave it out for text frames)');
      if (value.binary === true && typeof value.text === 'string' && !BASE64.test(value.text))
        c.fail('SW_TRANSCRIPT_FIELD_INVALID', '/text', "a binary frame's text must be base64");
      c.optional('sse', isSseFields, 'an object with optional id (string), event (string), retry (integer ≥ 0)');
      c.optional('violations', isViolations, `an array of at most ${TRANSCRIPT_LIMITS.maxViolations} {rule, pointer, message}`);
      break;
    }
    case 'comment': {
      c.allow(['kind', 't', 'text']);
      c.time();
      c.required('text', (v) => typeof v === 'string' && v.length <= TRANSCRIPT_LIMITS.maxShortString && !/[\r\n]/.test(v), 'a one-line string');
      break;
    }
    case 'close': {
      c.allow(['kind', 't', 'by', 'code', 'reason']);
      c.time();
      c.required('by', isSide, '"client" or "server"');
      c.optional('code', (v) => Number.isInteger(v) && (v as number) >= 1000 && (v as number) <= 4999, 'a close code (1000-4999)');
      c.optional('reason', (v) => typeof v === 'string' && Buffer.byteLength(v) <= 123, 'a string of at most 123 bytes');
      break;
    }
    default:
      return {
        errors: [
          {
            code: 'SW_TRANSCRIPT_UNKNOWN_KIND',
            line,
            pointer: '/kind',
            message: `unknown kind ${JSON.stringify(kind)} (expected header, handshake, frame, comment or close)`,
          },
        ],
      };
  }
  return c.errors.length > 0 ? { errors: c.errors } : { value: value as unknown as TranscriptLine };
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const RULE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

class FieldChecker {
  readonly errors: TranscriptError[] = [];
  constructor(
    private readonly value: Record<string, unknown>,
    private readonly line: number,
  ) {}

  fail(code: TranscriptErrorCode, pointer: string, message: string) {
    this.errors.push({ code, line: this.line, pointer, message });
  }

  allow(keys: string[]) {
    for (const key of Object.keys(this.value)) {
      if (!keys.includes(key))
        this.fail(
          'SW_TRANSCRIPT_FIELD_UNKNOWN',
          `/${escapePointer(key)}`,
          `unknown field ${JSON.stringify(truncate(key))} on a ${String(this.value.kind)} line`,
        );
    }
  }

  required(key: string, ok: (v: unknown) => boolean, expected: string) {
    if (!Object.hasOwn(this.value, key)) return this.fail('SW_TRANSCRIPT_FIELD_MISSING', `/${key}`, `missing ${key} (expected ${expected})`);
    if (!ok(this.value[key])) this.fail('SW_TRANSCRIPT_FIELD_INVALID', `/${key}`, `${key} must be ${expected}, not ${describe(this.value[key])}`);
  }

  optional(key: string, ok: (v: unknown) => boolean, expected: string) {
    if (Object.hasOwn(this.value, key)) this.required(key, ok, expected);
  }

  shortString(key: string, needed: boolean, pattern?: RegExp) {
    const ok = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= TRANSCRIPT_LIMITS.maxShortString && (!pattern || pattern.test(v));
    const expected = pattern ? `a string matching ${pattern.source}` : 'a non-empty string';
    if (needed) this.required(key, ok, expected);
    else this.optional(key, ok, expected);
  }

  stringMap(key: string, needed: boolean, keyPattern?: RegExp) {
    const ok = (v: unknown) =>
      isPlainObject(v) &&
      Object.keys(v).length <= TRANSCRIPT_LIMITS.maxMapEntries &&
      Object.entries(v).every(
        ([k, s]) =>
          k.length > 0 && k.length <= 256 && (!keyPattern || keyPattern.test(k)) && typeof s === 'string' && s.length <= TRANSCRIPT_LIMITS.maxShortString,
      );
    const expected = `an object of at most ${TRANSCRIPT_LIMITS.maxMapEntries} string values${keyPattern ? ' with lower-case header names' : ''}`;
    if (needed) this.required(key, ok, expected);
    else this.optional(key, ok, expected);
  }

  time() {
    this.required('t', (v) => Number.isSafeInteger(v) && (v as number) >= 0, 'an integer ≥ 0 (ms since the handshake started)');
  }
}

function isSide(v: unknown): v is Side {
  return v === 'client' || v === 'server';
}

function isSseFields(v: unknown): v is SseFields {
  if (!isPlainObject(v)) return false;
  for (const [k, f] of Object.entries(v)) {
    if (k === 'id' || k === 'event') {
      if (typeof f !== 'string' || f.length > TRANSCRIPT_LIMITS.maxShortString || /[\r\n]/.test(f)) return false;
    } else if (k === 'retry') {
      if (!Number.isSafeInteger(f) || (f as number) < 0) return false;
    } else return false;
  }
  return true;
}

function isViolations(v: unknown): v is FrameViolation[] {
  return (
    Array.isArray(v) &&
    v.length > 0 &&
    v.length <= TRANSCRIPT_LIMITS.maxViolations &&
    v.every(
      (x) =>
        isPlainObject(x) &&
        Object.keys(x).every((k) => k === 'rule' || k === 'pointer' || k === 'message') &&
        typeof x.rule === 'string' &&
        RULE.test(x.rule) &&
        x.rule.length <= 64 &&
        typeof x.pointer === 'string' &&
        (x.pointer === '' || x.pointer.startsWith('/')) &&
        x.pointer.length <= TRANSCRIPT_LIMITS.maxShortString &&
        typeof x.message === 'string' &&
        x.message.length <= TRANSCRIPT_LIMITS.maxShortString,
    )
  );
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(truncate(v))}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${truncate(String(v))}`;
}

function truncate(s: string, n = 60): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

function escapePointer(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

// ─── serialise ───────────────────────────────────────────────────────────────────────────────────

/** Key order per kind: fixed, so that two recordings of the same traffic diff line by line. */
const KEY_ORDER: Record<TranscriptLine['kind'], readonly string[]> = {
  header: ['kind', 'version', 'api', 'spec', 'channel', 'transport', 'address', 'parameters', 'query', 'recordedAt', 'tool', 'name', 'description'],
  handshake: ['kind', 'url', 'method', 'requestHeaders', 'subprotocols', 'protocol', 'status', 'responseHeaders', 'body'],
  frame: ['kind', 't', 'dir', 'tag', 'text', 'binary', 'sse', 'violations'],
  comment: ['kind', 't', 'text'],
  close: ['kind', 't', 'by', 'code', 'reason'],
};
const SSE_ORDER = ['id', 'event', 'retry'];
const VIOLATION_ORDER = ['rule', 'pointer', 'message'];
/** Maps whose keys are data (headers, parameters): sorted by name. */
const SORTED_MAPS = new Set(['parameters', 'query', 'requestHeaders', 'responseHeaders']);

/** One line (no trailing newline), keys in the format's order, undefined fields left out. */
export function serializeLine(line: TranscriptLine): string {
  const order = KEY_ORDER[line.kind];
  const source = line as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of order) {
    const v = source[key];
    if (v === undefined) continue;
    if (SORTED_MAPS.has(key) && isPlainObject(v)) out[key] = sortKeys(v);
    else if (key === 'sse' && isPlainObject(v)) out[key] = pick(v, SSE_ORDER);
    else if (key === 'violations' && Array.isArray(v)) out[key] = v.map((x) => pick(x as Record<string, unknown>, VIOLATION_ORDER));
    else out[key] = v;
  }
  return JSON.stringify(out);
}

/** The whole transcript: one line per entry, LF, a final newline. */
export function serializeTranscript(t: Transcript): string {
  const lines: TranscriptLine[] = [t.header, t.handshake, ...t.events];
  if (t.close) lines.push(t.close);
  return lines.map(serializeLine).join('\n') + '\n';
}

function sortKeys(v: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) out[k] = v[k];
  return out;
}

function pick(v: Record<string, unknown>, order: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of order) if (v[k] !== undefined) out[k] = v[k];
  return out;
}

/** The frames of one direction that are messages (SSE blocks without data are not). */
export function messagesOf(t: Transcript, dir: Side): TranscriptFrame[] {
  return t.events.filter((e): e is TranscriptFrame => e.kind === 'frame' && e.dir === dir && !(t.header.transport === 'sse' && e.text === ''));
}

export {
  CREDENTIAL_PLACEHOLDER,
  credentialPlaceholder,
  INVALID_CREDENTIAL_PLACEHOLDER,
  invalidCredentialPlaceholder,
  invalidCredentialValue,
  credentialLocations,
  findPlaceholders,
  substituteCredentials,
  substituteCredentialsInUrl,
  Redactor,
  type CredentialLocation,
  type CredentialFailure,
} from './record/redact.ts';
