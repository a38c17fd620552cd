import { describe, expect, it } from 'vitest';
import type { ApiDescription, ChannelDescription, SecuritySchemeDescription } from '../../../runtime/contract.ts';
import { channelSchemes, planAuth } from '../../../runtime/client/auth.ts';

const onFailure = { action: 'http-status' } as const;
const schemes: SecuritySchemeDescription[] = [
  { id: 'bearer', type: 'http', scheme: 'bearer', auth: { credential: { in: 'header', name: 'Authorization' }, onFailure, browser: 'ticket' } },
  { id: 'ticket', type: 'httpApiKey', in: 'query', name: 'ticket' },
  { id: 'session', type: 'httpApiKey', in: 'cookie', name: 'sid' },
  { id: 'proto', type: 'http', auth: { credential: { in: 'subprotocol', prefix: 'token.' }, onFailure } },
  { id: 'first', type: 'http', auth: { credential: { in: 'first-message', message: 'hello', property: 'key' }, onFailure } },
  { id: 'apiKey', type: 'httpApiKey', in: 'header', name: 'X-Api-Key' },
];

function channel(opSecurity: string[], servers: string[] = ['main'], tagProperty: string | null = 'op'): ChannelDescription {
  const direction = { messages: [], operations: [{ id: 'o', messages: [], security: opSecurity }] };
  return { id: 'c', address: '/c', transport: 'ws', parameters: [], servers, tagProperty, send: direction, receive: direction };
}

function api(serverSecurity: string[] = []): ApiDescription {
  return {
    name: 'x',
    title: 'X',
    version: '1',
    servers: [{ id: 'main', host: 'h', protocol: 'wss', security: serverSecurity }],
    securitySchemes: schemes,
    channels: {},
  };
}

describe('channelSchemes', () => {
  it('operation schemes first, then the server ones, each once, in the contract order', () => {
    expect(channelSchemes(api(['session', 'bearer']), channel(['bearer', 'proto'])).map((s) => s.id)).toEqual(['bearer', 'proto', 'session']);
  });
});

describe('planAuth', () => {
  it('presents each credential where its scheme says', async () => {
    const node = (ids: string[], auth: Record<string, string>) => planAuth(api(), channel(ids), auth, false, 'ws');
    expect((await node(['bearer'], { bearer: 't' })).headers).toEqual({ Authorization: 'Bearer t' });
    expect((await node(['ticket'], { ticket: 't' })).query).toEqual({ ticket: 't' });
    expect(await node(['session'], { session: 's' })).toMatchObject({ headers: { Cookie: 'sid=s' }, withCredentials: true });
    expect((await node(['proto'], { proto: 'abc' })).protocols).toEqual(['token.abc']);
    expect((await node(['first'], { first: 'k' })).firstMessage).toEqual({ op: 'hello', key: 'k' });
    expect((await node(['apiKey'], { apiKey: 'k' })).headers).toEqual({ 'X-Api-Key': 'k' });
  });

  it('picks the first scheme the caller has a credential for, and resolves a provider function', async () => {
    const plan = await planAuth(api(), channel(['bearer', 'ticket']), { ticket: async () => 'late' }, false, 'ws');
    expect(plan.scheme).toBe('ticket');
    expect(plan.query).toEqual({ ticket: 'late' });
  });

  it('in a browser, a header scheme on a WebSocket falls back to its browser alternative', async () => {
    const plan = await planAuth(api(), channel(['bearer']), { bearer: 't' }, true, 'ws');
    expect(plan).toMatchObject({ scheme: 'ticket', query: { ticket: 't' }, headers: {} });
    // Over SSE (fetch), the header goes as it is.
    expect((await planAuth(api(), channel(['bearer']), { bearer: 't' }, true, 'sse')).headers).toEqual({ Authorization: 'Bearer t' });
  });

  it('in a browser, a cookie scheme needs no credential: the browser sends its own', async () => {
    const plan = await planAuth(api(), channel(['session']), undefined, true, 'sse');
    expect(plan).toMatchObject({ scheme: 'session', withCredentials: true, headers: {} });
  });

  it('no usable credential: a plan with none', async () => {
    const plan = await planAuth(api(), channel(['bearer']), {}, false, 'ws');
    expect(plan).toEqual({ scheme: undefined, query: {}, headers: {}, protocols: [], firstMessage: undefined, withCredentials: false });
  });

  it('a provider that fails or gives nothing is SW_AUTH_MISSING', async () => {
    const failing = () => {
      throw new Error('vault down');
    };
    await expect(planAuth(api(), channel(['bearer']), { bearer: failing }, false, 'ws')).rejects.toMatchObject({ code: 'SW_AUTH_MISSING' });
    await expect(planAuth(api(), channel(['bearer']), { bearer: () => '' }, false, 'ws')).rejects.toMatchObject({ code: 'SW_AUTH_MISSING' });
  });
});
