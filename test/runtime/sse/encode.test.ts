import { describe, expect, it } from 'vitest';
import { SseMessageReader, SseParser } from '../../../runtime/protocol/sse-parser.ts';
import { encodeSse, type SseFrame } from '../../../runtime/sse/encode.ts';

/** What a WHATWG event-stream reader makes of the encoded frames. */
function read(text: string) {
  const reader = new SseMessageReader('');
  return new SseParser({}).push(text).flatMap((item) => {
    if (item.kind !== 'event') return [];
    const m = reader.read(item);
    return m ? [m] : [];
  });
}

describe('encodeSse', () => {
  it('writes each field on its own line and ends the frame with a blank line', () => {
    expect(encodeSse({ comment: 'hi', retry: 1500, id: '7', event: 'tick', data: '{"n":1}' })).toBe(': hi\nretry: 1500\nid: 7\nevent: tick\ndata: {"n":1}\n\n');
    expect(encodeSse({})).toBe('\n');
  });

  it('splits data and comments on every kind of line break', () => {
    expect(encodeSse({ data: 'a\r\nb\rc\nd' })).toBe('data: a\ndata: b\ndata: c\ndata: d\n\n');
    expect(encodeSse({ comment: 'x\ny' })).toBe(': x\n: y\n\n');
  });

  it('writes retry as a whole, non-negative number of milliseconds', () => {
    expect(encodeSse({ retry: 12.7 })).toBe('retry: 12\n\n');
    expect(encodeSse({ retry: -5 })).toBe('retry: 0\n\n');
  });

  it.each<[string, SseFrame]>([
    ['an id with LF', { id: 'a\nb' }],
    ['an id with CR', { id: 'a\rb' }],
    ['an id with NUL', { id: 'a\0b' }],
    ['an event name with CRLF', { event: 'a\r\nb' }],
  ])('refuses %s, which would start another field', (_name, frame) => {
    expect(() => encodeSse(frame)).toThrow(/SSE (id|event name) must not contain/);
    expect(() => encodeSse(frame)).toThrow(expect.objectContaining({ name: 'StreamwrightError', code: 'SW_SSE_FIELD_INVALID' }));
  });

  it('is read back as written by the runtime parser', () => {
    const frames: SseFrame[] = [
      { id: '1', event: 'update', data: '{"a":"x"}' },
      { comment: 'keep-alive' },
      { event: 'multi', data: 'line one\nline two\r\n  indented' },
      { id: '', data: '' },
    ];
    expect(read(frames.map(encodeSse).join(''))).toEqual([
      { event: 'update', data: '{"a":"x"}', id: '1', ownId: true },
      { event: 'multi', data: 'line one\nline two\n  indented', id: '1', ownId: false },
      { event: 'message', data: '', id: '', ownId: true },
    ]);
  });
});
