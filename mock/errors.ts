import type { ChannelIR } from '../generator/src/contract/index.ts';
import type { ValidationResult } from '../runtime/index.ts';
import type { Random } from '../runtime/seeded/index.ts';
import type { MockContract } from './contract.ts';
import type { Payloads } from './source.ts';

/**
 * The frame the mock answers an invalid client frame with when the channel declares no error
 * message (no `x-sw-errors`). Marked by `$streamwright: "error"` so it cannot be mistaken for a
 * contract message; documented in mock/README.md.
 */
export interface StreamwrightErrorFrame {
  $streamwright: 'error';
  /** The runtime's error code: SW_FRAME_NOT_JSON, SW_FRAME_BINARY, SW_FRAME_INVALID, SW_RATE_LIMITED… */
  code: string;
  message: string;
  /** Where the frame broke the contract, for SW_FRAME_INVALID. */
  details?: readonly { pointer: string; keyword: string; message: string }[];
}

export function isStreamwrightErrorFrame(v: unknown): v is StreamwrightErrorFrame {
  return typeof v === 'object' && v !== null && (v as { $streamwright?: unknown }).$streamwright === 'error';
}

/** Codes that read as "this frame is not valid", most specific first. */
const INVALID_FRAME_CODES = /^(invalid_message|invalid_frame|invalid_request|invalid|bad_request|malformed|validation_error)$|invalid|malformed|bad/i;

/**
 * The contract's code for an invalid frame on a channel with `x-sw-errors`: the one named like
 * `invalid_message` whose consequence keeps the connection open, else any code that keeps it
 * open. Undefined when the channel declares no error message.
 */
export function invalidFrameCode(channel: ChannelIR, frame?: { message?: unknown }): string | undefined {
  const codes = channel.errors ? Object.entries(channel.errors.codes) : [];
  if (codes.length === 0) return undefined;
  const staying = codes.filter(([, c]) => c.then.action === 'continue');
  const pool = staying.length > 0 ? staying : codes;
  // A well-formed JSON object on a channel that takes no client messages is not malformed, it is
  // unsupported: a contract that names that case (steadybase's `unsupported_message`) gets it.
  const message = frame?.message;
  if (channel.receive.messages.length === 0 && typeof message === 'object' && message !== null && !Array.isArray(message)) {
    const unsupported = pool.find(([name]) => /^unsupported(_(message|frame))?$/i.test(name));
    if (unsupported) return unsupported[0];
  }
  const exact = pool.find(([name]) => /^invalid_(message|frame)$/i.test(name));
  return (exact ?? pool.find(([name]) => INVALID_FRAME_CODES.test(name)) ?? pool[0]!)[0];
}

function setAt(target: unknown, pointer: string, value: unknown): boolean {
  const keys = pointer
    .split('/')
    .slice(1)
    .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node = target as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) return false;
    node = node[key] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (last === undefined || typeof node !== 'object' || node === null) return false;
  node[last] = value;
  return true;
}

/**
 * Builds the contract's error message on a channel: an example (or a generated value) of the
 * error message with the code at `codePointer` and, where the payload has one next to the code,
 * `message` set to the explanation. Falls back to fewer changes, then to the plain example, so
 * what is returned always validates.
 */
export function contractError(
  contract: MockContract,
  channel: ChannelIR,
  payloads: Payloads,
  random: Random,
  code: string,
  explanation: string,
  validate: (payload: unknown) => ValidationResult,
): unknown {
  const errors = channel.errors;
  if (!errors) return undefined;
  const entry = channel.send.messages.find((cm) => cm.tag === errors.message);
  if (!entry) return undefined;
  const base = payloads.payload(entry.message, random, 'examples', 0);
  if (base === undefined) return undefined;
  const siblings = errors.codePointer.split('/').slice(0, -1).join('/');
  const attempts: ((p: unknown) => boolean)[] = [
    (p) => setAt(p, errors.codePointer, code) && setAt(p, `${siblings}/message`, explanation),
    (p) => setAt(p, errors.codePointer, code),
  ];
  for (const change of attempts) {
    const candidate = structuredClone(base);
    if (change(candidate) && validate(candidate).ok) return candidate;
  }
  return base;
}
