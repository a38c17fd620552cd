import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { offeredProtocols, parseCookies, readCredential } from '../../../runtime/auth/credentials.ts';

const req = (headers: Record<string, string | string[]>) => ({ headers }) as unknown as IncomingMessage;
const url = new URL('http://h/x?token=q&empty=');

describe('readCredential', () => {
  it('a header with its prefix, matched case-insensitively, the rest trimmed', () => {
    const c = { in: 'header', name: 'Authorization', prefix: 'Bearer ' } as const;
    expect(readCredential(req({ authorization: 'bearer  abc ' }), url, c)).toEqual({ value: 'abc' });
    expect(readCredential(req({ authorization: 'Basic abc' }), url, c)).toBeUndefined();
    expect(readCredential(req({ authorization: 'Bearer ' }), url, c)).toBeUndefined();
    expect(readCredential(req({}), url, c)).toBeUndefined();
  });

  it('a query parameter or a cookie, empty ones being none', () => {
    expect(readCredential(req({}), url, { in: 'query', name: 'token' })).toEqual({ value: 'q' });
    expect(readCredential(req({}), url, { in: 'query', name: 'empty' })).toBeUndefined();
    expect(readCredential(req({ cookie: 'a=1; sid=s%20v' }), url, { in: 'cookie', name: 'sid' })).toEqual({ value: 's v' });
    expect(readCredential(req({ cookie: 'a=1' }), url, { in: 'cookie', name: 'sid' })).toBeUndefined();
  });

  it('a subprotocol: the first offered protocol with the prefix and something after it, echoed back', () => {
    const c = { in: 'subprotocol', prefix: 'token.' } as const;
    expect(readCredential(req({ 'sec-websocket-protocol': 'chat, token., token.abc' }), url, c)).toEqual({ value: 'abc', protocol: 'token.abc' });
    expect(readCredential(req({ 'sec-websocket-protocol': 'chat' }), url, c)).toBeUndefined();
  });

  it('a first-message credential is not in the request', () => {
    expect(readCredential(req({ authorization: 'x' }), url, { in: 'first-message' })).toBeUndefined();
  });
});

describe('offeredProtocols', () => {
  it('splits, trims and drops empty entries, over repeated headers too', () => {
    expect(offeredProtocols(req({ 'sec-websocket-protocol': ' a ,b,, c' }))).toEqual(['a', 'b', 'c']);
    expect(offeredProtocols(req({ 'sec-websocket-protocol': ['a', 'b'] }))).toEqual(['a', 'b']);
    expect(offeredProtocols(req({}))).toEqual([]);
  });
});

describe('parseCookies', () => {
  it('the first occurrence wins, quotes are removed, bad percent-escapes stay as they are', () => {
    expect({ ...parseCookies('a=1; a=2; b="q"; c=%E0%A4%A; d') }).toEqual({ a: '1', b: 'q', c: '%E0%A4%A' });
  });

  it('a cookie named __proto__ is an ordinary entry', () => {
    const out = parseCookies('__proto__=x; constructor=y');
    expect(out['__proto__']).toBe('x');
    expect(out['constructor']).toBe('y');
    expect(Object.getPrototypeOf(out)).toBeNull();
  });

  it('no header: no cookies', () => {
    expect(Object.keys(parseCookies(undefined))).toEqual([]);
  });
});
