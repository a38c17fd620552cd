import { describe, expect, it } from 'vitest';
import { SseMessageReader, SseParser, type SseItem, type SseMessage } from '../../../runtime/protocol/sse-parser.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

function parse(chunks: readonly (string | Uint8Array)[], maxBlockBytes?: number): SseItem[] {
  const p = new SseParser(maxBlockBytes === undefined ? {} : { maxBlockBytes });
  return chunks.flatMap((c) => p.push(c));
}

function messages(chunks: readonly (string | Uint8Array)[], initialLastId = ''): SseMessage[] {
  const reader = new SseMessageReader(initialLastId);
  return parse(chunks).flatMap((item) => {
    const m = item.kind === 'event' ? reader.read(item) : undefined;
    return m ? [m] : [];
  });
}

const M = (event: string, data: string, id = '', ownId = id !== '') => ({ event, data, id, ownId });

describe('SseParser', () => {
  it.each<[string, { given: string[]; want: SseItem[] }]>([
    [
      'one block with every field',
      {
        given: ['event: a\ndata: {"x":1}\nid: 1\nretry: 30\n\n'],
        want: [
          { kind: 'retry', ms: 30 },
          { kind: 'event', data: '{"x":1}', hasData: true, id: '1', event: 'a', retry: 30 },
        ],
      },
    ],
    ['data lines join with LF', { given: ['data: a\ndata: b\n\n'], want: [{ kind: 'event', data: 'a\nb', hasData: true }] }],
    ['an empty data line still counts', { given: ['data\n\n'], want: [{ kind: 'event', data: '', hasData: true }] }],
    ['only one space after the colon is dropped', { given: ['data:  x\n\n'], want: [{ kind: 'event', data: ' x', hasData: true }] }],
    ['a block with no field gives nothing', { given: ['foo: bar\n\n'], want: [] }],
    ['an id with NUL is ignored', { given: ['id: a\0b\ndata: x\n\n'], want: [{ kind: 'event', data: 'x', hasData: true }] }],
    ['retry takes digits only', { given: ['retry: 3x\nretry: -1\ndata: x\n\n'], want: [{ kind: 'event', data: 'x', hasData: true }] }],
    ['a comment, one leading space removed', { given: [':  keep-alive\n'], want: [{ kind: 'comment', text: ' keep-alive' }] }],
    ['leading BOM dropped once', { given: ['\ufeffdata: x\n\n\ufeffdata: y\n\n'], want: [{ kind: 'event', data: 'x', hasData: true }] }],
    ['a BOM alone on the first line is a blank line', { given: ['\ufeff\ndata: x\n\n'], want: [{ kind: 'event', data: 'x', hasData: true }] }],
    ['unterminated block not dispatched', { given: ['data: x\n'], want: [] }],
    ['lone CR line endings', { given: ['data: a\rdata: b\r\r'], want: [{ kind: 'event', data: 'a\nb', hasData: true }] }],
    ['CR then LF in the next chunk is one line end', { given: ['data: 1\r', '\n\r', '\n'], want: [{ kind: 'event', data: '1', hasData: true }] }],
  ])('%s', (_name, { given, want }) => {
    expect(parse(given)).toEqual(want);
  });

  // The property the inline loop in conform lacked: where the network cuts a stream cannot change
  // what it means. Every split of the text into two chunks, and into one chunk per byte.
  const streams: [string, string][] = [
    ['CRLF', 'event: a\r\ndata: é€😀\r\nid: 7\r\n\r\n: ping\r\ndata: b\r\ndata: c\r\n\r\nretry: 5\r\n\r\n'],
    ['CR', 'data: a\r\rdata: b\rid: 2\r\r'],
    ['LF', 'data: a\n\nevent: x\ndata: b\n\n'],
    ['mixed', 'data: a\r\n\ndata: b\r\r\ndata: c\n\r\n'],
  ];
  it.each(streams)('%s: every split point and every byte alone give the same items', (_name, text) => {
    const all = bytes(text);
    const whole = parse([all]);
    expect(whole.length).toBeGreaterThan(1);
    for (let cut = 0; cut <= all.length; cut++) {
      expect([cut, parse([all.subarray(0, cut), all.subarray(cut)])]).toEqual([cut, whole]);
    }
    expect(parse(Array.from(all, (b) => Uint8Array.of(b)))).toEqual(whole);
  });

  it('a CRLF split between chunks never makes an extra blank line', () => {
    // `data: a` CRLF `data: b` CRLF CRLF: a blank line too many would dispatch `a` alone.
    const text = 'data: a\r\ndata: b\r\n\r\n';
    for (let cut = 1; cut < text.length; cut++) {
      expect(parse([text.slice(0, cut), text.slice(cut)])).toEqual([{ kind: 'event', data: 'a\nb', hasData: true }]);
    }
  });

  it('does not keep a view of a chunk its producer may reuse', () => {
    const p = new SseParser();
    const buf = bytes('data: abc');
    p.push(buf);
    buf.fill(0x7a);
    expect(p.push('\n\n')).toEqual([{ kind: 'event', data: 'abc', hasData: true }]);
  });

  it('a block larger than the bound is dropped, reported once, and the stream goes on', () => {
    const big = 'x'.repeat(100);
    const items = parse(['data: ', big, big, '\n', 'data: more\n\n', 'data: ok\n\n'], 64);
    expect(items).toEqual([
      { kind: 'overflow', limit: 64 },
      { kind: 'event', data: 'ok', hasData: true },
    ]);
  });

  it('a line that never ends holds no more than the bound', () => {
    const p = new SseParser({ maxBlockBytes: 1024 });
    const chunk = bytes('y'.repeat(4096));
    const first = p.push(chunk);
    for (let i = 0; i < 100; i++) expect(p.push(chunk)).toEqual([]);
    expect(first).toEqual([{ kind: 'overflow', limit: 1024 }]);
    expect(p.push('\n\ndata: z\n\n')).toEqual([{ kind: 'event', data: 'z', hasData: true }]);
  });

  it('the bound counts bytes, not characters', () => {
    // 20 euro signs are 20 characters but 60 bytes.
    expect(parse(['data: ' + '€'.repeat(20) + '\n\n'], 40)).toEqual([{ kind: 'overflow', limit: 40 }]);
  });

  it('invalid UTF-8 becomes U+FFFD, and a character split across chunks is whole', () => {
    const euro = bytes('€');
    expect(parse([bytes('data: '), euro.subarray(0, 1), euro.subarray(1), Uint8Array.of(0xff, 0x0a, 0x0a)])).toEqual([
      { kind: 'event', data: '€\ufffd', hasData: true },
    ]);
  });

  it('end() drops an unterminated block', () => {
    const p = new SseParser();
    p.push('data: x\n');
    p.end();
    expect(p.push('\n')).toEqual([]);
  });
});

describe('SseMessageReader', () => {
  it.each<[string, { given: string[]; want: SseMessage[] }]>([
    ['one event', { given: ['event: a\ndata: {"x":1}\nid: 1\n\n'], want: [M('a', '{"x":1}', '1')] }],
    ['the id is inherited, not own', { given: ['id: 7\ndata: a\n\ndata: b\n\n'], want: [M('message', 'a', '7'), M('message', 'b', '7', false)] }],
    ['an id-only block sets the id for later events', { given: ['id: 9\n\ndata: a\n\n'], want: [M('message', 'a', '9', false)] }],
    ['no data: nothing dispatched', { given: ['event: a\n\n'], want: [] }],
    ['an empty event name is message', { given: ['event:\ndata: x\n\n'], want: [M('message', 'x')] }],
  ])('%s', (_name, { given, want }) => {
    expect(messages(given)).toEqual(want);
  });

  it('starts from the Last-Event-ID it resumed with', () => {
    expect(messages(['data: a\n\n'], '41')).toEqual([M('message', 'a', '41', false)]);
  });
});
