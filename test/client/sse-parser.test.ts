import { describe, expect, it } from 'vitest';
import { SseParser, type ParsedSseEvent } from '../../runtime/client/sse-parser.ts';
import { Pacer, utf8Length } from '../../runtime/client/pacer.ts';

function parse(chunks: string[]) {
  const events: ParsedSseEvent[] = [];
  const retries: number[] = [];
  const comments: string[] = [];
  const p = new SseParser({ event: (e) => events.push(e), retry: (ms) => retries.push(ms), comment: (c) => comments.push(c) });
  for (const c of chunks) p.push(c);
  return { events, retries, comments };
}

const E = (event: string, data: string, id = '', ownId = id !== '') => ({ event, data, id, ownId });

describe('SseParser', () => {
  it.each<[string, { given: string[]; want: ReturnType<typeof E>[] }]>([
    ['one event', { given: ['event: a\ndata: {"x":1}\nid: 1\n\n'], want: [E('a', '{"x":1}', '1')] }],
    ['CRLF split between chunks', { given: ['data: 1\r', '\n\r', '\n'], want: [E('message', '1')] }],
    ['lone CR line endings', { given: ['data: a\rdata: b\r\r'], want: [E('message', 'a\nb')] }],
    ['field split across chunks', { given: ['da', 'ta: x\n', '\n'], want: [E('message', 'x')] }],
    ['no space after the colon', { given: ['data:x\n\n'], want: [E('message', 'x')] }],
    ['an id with NUL is ignored', { given: ['id: a\0b\ndata: x\n\n'], want: [E('message', 'x')] }],
    ['the id is inherited, not own', { given: ['id: 7\ndata: a\n\ndata: b\n\n'], want: [E('message', 'a', '7'), E('message', 'b', '7', false)] }],
    ['no data: nothing dispatched', { given: ['event: a\n\n'], want: [] }],
    ['leading BOM dropped', { given: ['\ufeffdata: x\n\n'], want: [E('message', 'x')] }],
    ['unterminated event not dispatched', { given: ['data: x\n'], want: [] }],
  ])('%s', (_name, { given, want }) => {
    expect(parse(given).events).toEqual(want);
  });

  it('retry takes digits only; comments are reported', () => {
    const r = parse(['retry: 30\nretry: 3x\n: keep-alive\n\n']);
    expect(r.retries).toEqual([30]);
    expect(r.comments).toEqual([' keep-alive']);
  });
});

describe('Pacer', () => {
  it('allows `limit` sends per window, then waits for the oldest to leave it', () => {
    const p = new Pacer(3, 1000, 50);
    for (const t of [0, 10, 20]) {
      expect(p.delay(t)).toBe(0);
      p.record(t);
    }
    expect(p.delay(30)).toBe(1020);
    expect(p.delay(1050)).toBe(0);
  });

  it('utf8Length counts like TextEncoder', () => {
    for (const s of ['', 'abc', 'é', '€', '😀', 'a\ud800b']) expect([s, utf8Length(s)]).toEqual([s, new TextEncoder().encode(s).length]);
  });
});
