import { describe, expect, it } from 'vitest';
import { eventTag, frameTag, isJsonObject, messageTag, readJson, taggedMessage } from '../../../runtime/protocol/frame.ts';

describe('readJson', () => {
  it.each<[string, { given: string; want: ReturnType<typeof readJson> }]>([
    ['an object', { given: '{"type":"a"}', want: { ok: true, value: { type: 'a' } } }],
    ['a JSON null is a value', { given: 'null', want: { ok: true, value: null } }],
    ['not JSON', { given: '{"type":', want: { ok: false } }],
    ['empty text', { given: '', want: { ok: false } }],
  ])('%s', (_name, { given, want }) => {
    expect(readJson(given)).toEqual(want);
  });
});

describe('messageTag', () => {
  it.each<[string, { value: unknown; property: string | null; want: string | null }]>([
    ['the string at the tag property', { value: { type: 'ping' }, property: 'type', want: 'ping' }],
    ['another tag property', { value: { op: 'sub', type: 'x' }, property: 'op', want: 'sub' }],
    ['a non-string tag is no tag', { value: { type: 7 }, property: 'type', want: null }],
    ['a missing tag', { value: {}, property: 'type', want: null }],
    ['an array is no message', { value: [{ type: 'a' }], property: 'type', want: null }],
    ['null', { value: null, property: 'type', want: null }],
    ['a channel without tags', { value: { type: 'a' }, property: null, want: null }],
    ['an inherited property is not a tag', { value: JSON.parse('{"__proto__":{"type":"a"}}'), property: 'type', want: null }],
  ])('%s', (_name, { value, property, want }) => {
    expect(messageTag(value, property)).toBe(want);
  });
});

describe('eventTag and frameTag', () => {
  it('an SSE event without a name, or with an empty one, is `message`', () => {
    expect([eventTag(undefined), eventTag(''), eventTag('tick')]).toEqual(['message', 'message', 'tick']);
  });

  it('reads the event name on SSE and the tag property elsewhere', () => {
    const sse = { transport: 'sse', tagProperty: 'type' } as const;
    const ws = { transport: 'ws', tagProperty: 'type' } as const;
    expect(frameTag(sse, { type: 'ignored' }, 'tick')).toBe('tick');
    expect(frameTag(sse, { type: 'ignored' })).toBe('message');
    expect(frameTag(ws, { type: 'hello' }, 'ignored')).toBe('hello');
    expect(frameTag(ws, 'hello')).toBeNull();
  });

  it('isJsonObject accepts only plain objects', () => {
    expect([{}, [], null, 'x', 1].map(isJsonObject)).toEqual([true, false, false, false, false]);
  });
});

describe('taggedMessage', () => {
  it('writes the tag at the tag property, first, then the fields', () => {
    const m = taggedMessage('op', 'auth', { token: 't' });
    expect(m).toEqual({ op: 'auth', token: 't' });
    expect(Object.keys(m)).toEqual(['op', 'token']);
    expect(JSON.stringify(taggedMessage('type', 'big', { pad: '' }))).toBe('{"type":"big","pad":""}');
  });

  it('writes `type` when the channel names no tag property', () => {
    expect(taggedMessage(null, 'pong')).toEqual({ type: 'pong' });
    expect(taggedMessage(undefined, 'pong')).toEqual({ type: 'pong' });
  });

  it("is the inverse of messageTag, even when a field has the tag property's name", () => {
    for (const property of ['type', 'event', 'op']) {
      const m = taggedMessage(property, 'x', { [property]: 'spoofed', other: 1 });
      expect(messageTag(m, property)).toBe('x');
      expect(m.other).toBe(1);
    }
  });

  it('a `__proto__` tag property is an own property, not a prototype', () => {
    const m = taggedMessage('__proto__', 'x');
    expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
    expect(messageTag(JSON.parse(JSON.stringify(m)), '__proto__')).toBe('x');
  });
});
