import { StreamwrightError } from '../errors.ts';

/** One Server-Sent Events frame. */
export interface SseFrame {
  id?: string;
  event?: string;
  /** Already-serialised data; each line becomes a `data:` line. */
  data?: string;
  retry?: number;
  comment?: string;
}

const LINE_BREAK = /\r\n|\r|\n/;

/**
 * Encodes a frame per the WHATWG event-stream format. Field values cannot contain line breaks
 * (they would start a new field), so `id` and `event` with one are refused (`SW_SSE_FIELD_INVALID`,
 * thrown; nothing is written); `data` is split.
 */
export function encodeSse(frame: SseFrame): string {
  let out = '';
  if (frame.comment !== undefined)
    out += frame.comment
      .split(LINE_BREAK)
      .map((l) => `: ${l}\n`)
      .join('');
  if (frame.retry !== undefined) out += `retry: ${Math.max(0, Math.floor(frame.retry))}\n`;
  if (frame.id !== undefined) {
    if (LINE_BREAK.test(frame.id) || frame.id.includes('\0')) throw new StreamwrightError('SW_SSE_FIELD_INVALID', 'SSE id must not contain line breaks or NUL');
    out += `id: ${frame.id}\n`;
  }
  if (frame.event !== undefined) {
    if (LINE_BREAK.test(frame.event)) throw new StreamwrightError('SW_SSE_FIELD_INVALID', 'SSE event name must not contain line breaks');
    out += `event: ${frame.event}\n`;
  }
  if (frame.data !== undefined)
    out += frame.data
      .split(LINE_BREAK)
      .map((l) => `data: ${l}\n`)
      .join('');
  return out + '\n';
}
