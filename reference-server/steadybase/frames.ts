/**
 * What the contract answers to a frame a client sends on /ws (x-sw-errors of channel `events`):
 * `invalid_message` when the frame is not a JSON object (binary, not JSON, or JSON that is not an
 * object), `unsupported_message` when it is a JSON object (this API accepts no client messages).
 * The connection stays open either way.
 */
import { readJson } from '../../runtime/protocol/index.ts';
import type { ProtocolError } from '../../generated/steadybase/models.gen.ts';

export type FrameErrorCode = ProtocolError['code'];

export interface FrameVerdict {
  code: FrameErrorCode;
  message: string;
}

const UNSUPPORTED = 'This API accepts no client messages; the frame was ignored.';

/** The contract's verdict on one client frame. */
export function classifyFrame(data: unknown, isBinary: boolean): FrameVerdict {
  if (isBinary)
    return { code: 'invalid_message', message: 'Binary frames are not accepted: the frame is not a JSON object; this API accepts no client messages.' };
  const json = readJson(toText(data));
  return json.ok ? classifyValue(json.value) : NOT_JSON;
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
 * Carries the verdict on the frame the runtime is refusing from `invalidFrameErrorCode` (which
 * sees the frame) to `errorMessage` (which words the answer): the runtime calls one right after
 * the other, synchronously.
 */
export class FrameClassifier {
  private current: FrameVerdict | undefined;

  /** Classifies the refused frame from what the runtime says about it; returns the code. */
  note(frame: { error: { code: string }; message?: unknown } | undefined): FrameErrorCode {
    const code = frame?.error.code;
    if (code === 'SW_FRAME_BINARY') this.current = classifyFrame(undefined, true);
    else if (code === 'SW_FRAME_NOT_JSON') this.current = NOT_JSON;
    else if (frame !== undefined && 'message' in frame) this.current = classifyValue(frame.message);
    else this.current = undefined;
    return this.current?.code ?? 'invalid_message';
  }

  /** The verdict for the frame being handled, forgotten once read. */
  take(): FrameVerdict | undefined {
    const verdict = this.current;
    this.current = undefined;
    return verdict;
  }
}

function toText(data: unknown): string {
  if (typeof data === 'string') return data;
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data.filter((b): b is Buffer => Buffer.isBuffer(b))).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return String(data);
}
