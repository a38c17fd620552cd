import { describe, expect, it } from 'vitest';
import type { ApiDescription, ChannelDescription } from '../../../runtime/contract.ts';
import { createApiClient } from '../../../runtime/client/api-client.ts';
import { channelUrl } from '../../../runtime/client/url.ts';

const channel = {
  id: 'runLogs',
  address: '/runs/{runId}/logs',
  transport: 'ws',
  parameters: [{ name: 'runId' }],
  servers: ['production'],
  tagProperty: 'type',
} as unknown as ChannelDescription;

const api = {
  name: 'x',
  title: 'X',
  version: '1',
  servers: [
    { id: 'production', host: 'api.example.com', protocol: 'wss', pathname: '/v1', security: [] },
    { id: 'development', host: 'localhost:8080', protocol: 'ws', security: [] },
  ],
  securitySchemes: [],
  channels: { runLogs: channel },
} as unknown as ApiDescription;

describe('channelUrl', () => {
  it('fills path parameters into the channel server address, the rest into the query, then the credential', () => {
    const url = channelUrl(api, channel, 'ws', {}, { runId: 'r 1', since: '5' }, { token: 't' });
    expect(url).toBe('wss://api.example.com/v1/runs/r%201/logs?since=5&token=t');
  });

  it('keeps a secure scheme secure and a plain one plain, per carrier', () => {
    expect(channelUrl(api, channel, 'sse', {}, { runId: 'a' }, {})).toBe('https://api.example.com/v1/runs/a/logs');
    expect(channelUrl(api, channel, 'sse', { baseUrl: 'http://127.0.0.1:9' }, { runId: 'a' }, {})).toBe('http://127.0.0.1:9/runs/a/logs');
    expect(channelUrl(api, channel, 'ws', { baseUrl: 'http://127.0.0.1:9/' }, { runId: 'a' }, {})).toBe('ws://127.0.0.1:9/runs/a/logs');
  });

  it('a named server picks the channel server on its host; one on no host of the channel does not win', () => {
    const twin = { ...channel, transport: 'sse', servers: ['production', 'developmentHttp'] } as ChannelDescription;
    const withTwin = {
      ...api,
      servers: [...api.servers, { id: 'developmentHttp', host: 'localhost:8080', protocol: 'http', pathname: '/sse', security: [] }],
    } as ApiDescription;
    expect(channelUrl(withTwin, twin, 'sse', { server: 'development' }, { runId: 'a' }, {})).toBe('http://localhost:8080/sse/runs/a/logs');
    expect(channelUrl(api, channel, 'ws', { server: 'development' }, { runId: 'a' }, {})).toBe('wss://api.example.com/v1/runs/a/logs');
  });

  it('a full URL with a path is taken as it is; one without a path is a base that keeps its query', () => {
    expect(channelUrl(api, channel, 'ws', { url: 'ws://h:1/custom?x=1' }, { runId: 'a' }, {})).toBe('ws://h:1/custom?x=1');
    expect(channelUrl(api, channel, 'ws', { url: 'http://h:1/?x=1' }, { runId: 'a' }, { k: 'v' })).toBe('ws://h:1/runs/a/logs?x=1&k=v');
  });

  it('a missing path parameter is an error, unless it has a default', () => {
    expect(() => channelUrl(api, channel, 'ws', {}, {}, {})).toThrow(
      expect.objectContaining({ code: 'SW_CONFIG_INVALID', message: expect.stringMatching(/missing path parameter runId/) }),
    );
    const withDefault = { ...channel, parameters: [{ name: 'runId', default: 'latest' }] } as ChannelDescription;
    expect(channelUrl(api, withDefault, 'ws', {}, {}, {})).toBe('wss://api.example.com/v1/runs/latest/logs');
  });

  it('a channel on no server needs a url or baseUrl', () => {
    const orphan = { ...channel, servers: [] } as ChannelDescription;
    expect(() => channelUrl({ ...api, servers: [] }, orphan, 'ws', {}, { runId: 'a' }, {})).toThrow(
      expect.objectContaining({ code: 'SW_CONFIG_INVALID', message: expect.stringMatching(/no server for channel runLogs/) }),
    );
  });
});

describe('ApiClient channel lookup', () => {
  it('names a channel the contract lacks with SW_CONFIG_INVALID, even one named like an Object.prototype member', async () => {
    for (const id of ['nope', 'toString', '__proto__']) {
      await expect(createApiClient(api, { baseUrl: 'http://127.0.0.1:9' }).request(id, {})).rejects.toMatchObject({
        code: 'SW_CONFIG_INVALID',
        message: `no channel ${id} in x`,
      });
    }
  });
});
