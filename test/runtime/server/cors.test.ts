import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { ChannelDescription, SecuritySchemeDescription } from '../../../runtime/contract.ts';
import { answerPreflight, applyCors, isPreflight } from '../../../runtime/server/cors.ts';

/** A response that records what was written (only the calls cors.ts makes). */
function recorder() {
  const out = { status: 0, headers: {} as Record<string, unknown>, ended: false };
  const res = {
    setHeader: (k: string, v: unknown) => void (out.headers[k] = v),
    writeHead: (status: number, headers: Record<string, unknown>) => {
      out.status = status;
      Object.assign(out.headers, headers);
    },
    end: () => void (out.ended = true),
  } as unknown as ServerResponse;
  return { res, out };
}
const req = (method: string, headers: Record<string, string>) => ({ method, headers }) as unknown as IncomingMessage;
const cors = { origins: ['http://localhost:5173'] };
const sse = { id: 'events', transport: 'sse' } as ChannelDescription;
const schemes: SecuritySchemeDescription[] = [
  { id: 'bearer', type: 'http', scheme: 'bearer' },
  { id: 'key', type: 'httpApiKey', in: 'header', name: 'X-Api-Key' },
  { id: 'q', type: 'httpApiKey', in: 'query', name: 'token' },
];

describe('applyCors', () => {
  it('echoes an allowed origin with credentials, and always varies on Origin', () => {
    const { res, out } = recorder();
    applyCors(req('GET', { origin: 'http://localhost:5173' }), res, cors);
    expect(out.headers).toEqual({ Vary: 'Origin', 'Access-Control-Allow-Origin': 'http://localhost:5173', 'Access-Control-Allow-Credentials': 'true' });
  });

  it('another origin gets no allow header; CORS off sets nothing', () => {
    const a = recorder();
    applyCors(req('GET', { origin: 'https://evil.example' }), a.res, cors);
    expect(a.out.headers).toEqual({ Vary: 'Origin' });
    const b = recorder();
    applyCors(req('GET', { origin: 'http://localhost:5173' }), b.res, undefined);
    expect(b.out.headers).toEqual({});
  });
});

describe('preflight', () => {
  it('is an OPTIONS with Access-Control-Request-Method', () => {
    expect(isPreflight(req('OPTIONS', { 'access-control-request-method': 'GET' }))).toBe(true);
    expect(isPreflight(req('OPTIONS', {}))).toBe(false);
    expect(isPreflight(req('GET', { 'access-control-request-method': 'GET' }))).toBe(false);
  });

  it('answers 204 with the method (and HEAD on SSE) and the header credentials of the schemes', () => {
    const { res, out } = recorder();
    answerPreflight(req('OPTIONS', { origin: 'http://localhost:5173' }), res, { ...cors, maxAgeSeconds: 60 }, sse, 'GET', schemes);
    expect(out.status).toBe(204);
    expect(out.headers['Access-Control-Allow-Methods']).toBe('GET, HEAD');
    expect(out.headers['Access-Control-Allow-Headers']).toBe('Accept, Cache-Control, Content-Type, Last-Event-ID, Authorization, X-Api-Key');
    expect(out.headers['Access-Control-Max-Age']).toBe('60');
    expect(out.ended).toBe(true);
  });

  it('an origin not allowed (or CORS off) is refused with 403', () => {
    const a = recorder();
    answerPreflight(req('OPTIONS', { origin: 'https://evil.example' }), a.res, cors, sse, 'GET', schemes);
    expect(a.out).toMatchObject({ status: 403, headers: { Vary: 'Origin' } });
    const b = recorder();
    answerPreflight(req('OPTIONS', { origin: 'http://localhost:5173' }), b.res, undefined, { ...sse, transport: 'http' }, 'POST', []);
    expect(b.out.status).toBe(403);
    expect(b.out.headers.Vary).toBeUndefined();
  });
});
