/**
 * What the contract answers to a frame a client sends on /ws (x-sw-errors of channel `events`):
 * `invalid_message` when the frame is not a JSON object (binary, not JSON, or JSON that is not an
 * object), `unsupported_message` when it is a JSON object (this API accepts no client messages).
 * The connection stays open either way.
 *
 * The runtime answers every frame of a channel without a receive operation with the single code
 * `invalidFrameErrorCode(channel)` returns, and does not pass the frame; FrameClassifier looks at
 * the frame first (a listener placed before the runtime's on the peer's socket) so that the code
 * can depend on it. See the report for the runtime patch that would make this unnecessary.
 */
import type { EventEmitter } from 'node:events';
import type { ProtocolError } from '../../generated/steadybase/models.gen.ts';

export type FrameErrorCode = ProtocolError['code'];

export interface FrameVerdict {
  code: FrameErrorCode;
  message: string;
}

const UNSUPPORTED = 'This API accepts no client messages; the frame was ignored.';

/** The contract's verdict on one client frame. */
export function classifyFrame(data: unknown, isBinary: boolean): FrameVerdict {
  if (isBinary) return { code: 'invalid_message', message: 'Binary frames are not accepted: the frame is not a JSON object; this API accepts no client messages.' };
  let value: unknown;
  try {
    value = JSON.parse(toText(data));
  } catch {
    return NOT_JSON;
  }
  return classifyValue(value);
}

const NOT_JSON: FrameVerdict = { code: 'invalid_message', message: 'The frame is not JSON; this API accepts no client messages.' };

/** The contract's verdict on a frame that parsed as JSON to `value`. */
export function classifyValue(value: unknown): FrameVerdict {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return { code: 'invalid_message', message: `The frame is JSON but not an object (${kind}); this API accepts no client messages.` };
  }
  return { code: 'unsupported_message', message: UNSUPPORTED };
}

/** The contract's `error` message. */
export function errorPayload(code: FrameErrorCode, message: string, timestamp: string): ProtocolError {
  return { type: 'error', code, message: message.length > 0 ? message : UNSUPPORTED, timestamp };
}

/**
 * Remembers the verdict on the frame the runtime is about to handle. The runtime handles a frame
 * synchronously (parse, validate, answer), so the verdict set by a listener that runs just before
 * it is the one `take()` returns while the runtime builds the answer.
 */
export class FrameClassifier {
  private current: FrameVerdict | undefined;

  /** Places the classifying listener before the runtime's on the peer's socket; false if it cannot. */
  attach(peer: object): boolean {
    const socket = (peer as { ws?: unknown }).ws;
    if (!isEmitter(socket)) return false;
    socket.prependListener('message', (data: unknown, isBinary: unknown) => {
      this.current = classifyFrame(data, isBinary === true);
    });
    return true;
  }

  /**
   * Takes what the runtime says about the frame, when it says enough (the parsed message is passed
   * to `invalidFrameErrorCode` with the runtime patch proposed in the report); otherwise keeps the
   * verdict of the socket listener.
   */
  note(frame: unknown): void {
    if (typeof frame !== 'object' || frame === null) return;
    const info = frame as { error?: { code?: unknown }; message?: unknown };
    const code = info.error?.code;
    if (code === 'SW_FRAME_BINARY') this.current = classifyFrame(undefined, true);
    else if (code === 'SW_FRAME_NOT_JSON') this.current = NOT_JSON;
    else if ('message' in info) this.current = classifyValue(info.message);
  }

  /** The code for the frame being handled (invalid_message when unknown). */
  peekCode(): FrameErrorCode {
    return this.current?.code ?? 'invalid_message';
  }

  /** The verdict for the frame being handled, forgotten once read. */
  take(): FrameVerdict | undefined {
    const verdict = this.current;
    this.current = undefined;
    return verdict;
  }
}

function isEmitter(v: unknown): v is EventEmitter {
  return typeof v === 'object' && v !== null && typeof (v as EventEmitter).prependListener === 'function';
}

function toText(data: unknown): string {
  if (typeof data === 'string') return data;
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data.filter((b): b is Buffer => Buffer.isBuffer(b))).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return String(data);
}
