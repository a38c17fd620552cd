import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { headerValue, json, readBody, rejectUpgrade } from '../../../runtime/server/http-io.ts';

function body(chunks: string[], headers: Record<string, string> = {}): IncomingMessage {
  return Object.assign(Readable.from(chunks.map((c) => Buffer.from(c))), { headers }) as unknown as IncomingMessage;
}

describe('readBody', () => {
  it('joins the chunks as UTF-8', async () => {
    expect(await readBody(body(['{"a":', '"é"}']), 100)).toBe('{"a":"é"}');
  });

  it('refuses past the bound, counting bytes, and at once when Content-Length says so', async () => {
    await expect(readBody(body(['é'.repeat(3)]), 5)).rejects.toThrow('too large');
    await expect(readBody(body(['x'], { 'content-length': '101' }), 100)).rejects.toThrow('too large');
    expect(await readBody(body(['é'.repeat(2)]), 4)).toBe('éé');
  });
});

describe('json', () => {
  it('writes the body with its byte length, never cached; no body for undefined', () => {
    const calls: unknown[] = [];
    const res = { writeHead: (...a: unknown[]) => calls.push(a), end: (t: string) => calls.push(t) } as unknown as ServerResponse;
    json(res, 201, { a: 'é' });
    expect(calls).toEqual([[201, { 'Content-Type': 'application/json', 'Content-Length': 10, 'Cache-Control': 'no-store' }], '{"a":"é"}']);
    calls.length = 0;
    json(res, 204, undefined);
    expect(calls[1]).toBe('');
  });
});

describe('rejectUpgrade', () => {
  it('writes a whole HTTP response on the raw socket, with a Bearer challenge on 401', async () => {
    const socket = new PassThrough();
    const text = new Promise<string>((resolve) => {
      let s = '';
      socket.on('data', (c: Buffer) => (s += c.toString()));
      socket.on('end', () => resolve(s));
    });
    rejectUpgrade(socket, 401, 'no token');
    const written = await text;
    expect(written.startsWith('HTTP/1.1 401 Unauthorized\r\n')).toBe(true);
    expect(written).toContain('WWW-Authenticate: Bearer\r\n');
    expect(written.endsWith('\r\n\r\n{"error":"no token"}')).toBe(true);
    expect(written).toContain(`Content-Length: ${Buffer.byteLength('{"error":"no token"}')}`);
  });

  it('an unknown status still gets a reason; a closed socket is destroyed', () => {
    const s = new PassThrough();
    let out = '';
    s.on('data', (c: Buffer) => (out += c.toString()));
    rejectUpgrade(s, 418, 'x');
    expect(out.startsWith('HTTP/1.1 418 Error\r\n')).toBe(true);
    const closed = new PassThrough();
    closed.end();
    closed.resume();
    return new Promise<void>((resolve) =>
      closed.on('finish', () => {
        rejectUpgrade(closed, 400, 'x');
        expect(closed.destroyed).toBe(true);
        resolve();
      }),
    );
  });
});

describe('headerValue', () => {
  it('the first of repeated headers', () => {
    expect([headerValue(['a', 'b']), headerValue('c'), headerValue(undefined)]).toEqual(['a', 'c', undefined]);
  });
});
