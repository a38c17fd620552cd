import { request, type IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { schemesFor } from '../../runtime/server/security.ts';
import type { MockChannel, MockServer } from '../../mock/index.ts';

// Independent clients for the mock's tests: `ws` for WebSocket channels, raw node:http for SSE.

export interface Frame {
  event?: string;
  payload: unknown;
}

/** Collects parsed frames; `waitFor(n)` resolves once n have arrived (no sleeping). */
export class Inbox {
  readonly frames: Frame[] = [];
  private waiters: { n: number; resolve: () => void }[] = [];
  closed: { code: number } | undefined;
  private closeWaiters: (() => void)[] = [];

  push(frame: Frame) {
    this.frames.push(frame);
    this.waiters = this.waiters.filter((w) => (this.frames.length >= w.n ? (w.resolve(), false) : true));
  }

  close(code: number) {
    this.closed = { code };
    for (const w of this.closeWaiters.splice(0)) w();
    for (const w of this.waiters.splice(0)) w.resolve();
  }

  waitFor(n: number): Promise<Frame[]> {
    if (this.frames.length >= n || this.closed) return Promise.resolve(this.frames);
    return new Promise((resolve) => this.waiters.push({ n, resolve: () => resolve(this.frames) }));
  }

  waitClose(): Promise<{ code: number }> {
    if (this.closed) return Promise.resolve(this.closed);
    return new Promise((resolve) => this.closeWaiters.push(() => resolve(this.closed!)));
  }
}

/** How to present the mock's credential for a channel (the first scheme it names). */
async function credentialFor(mock: MockServer, channelId: string) {
  const channel = mock.api.channels[channelId]!;
  const scheme = schemesFor(mock.api, channel)[0];
  if (!scheme?.auth) return undefined;
  const value = (await mock.credentials()).find((c) => c.scheme === scheme.id)!.value;
  return { spec: scheme.auth.credential, value };
}

export async function openWs(mock: MockServer, channel: MockChannel, init: { url?: string } = {}): Promise<{ ws: WebSocket; inbox: Inbox }> {
  const credential = await credentialFor(mock, channel.id);
  const headers: Record<string, string> = {};
  const protocols: string[] = [];
  let url = init.url ?? channel.url;
  switch (credential?.spec.in) {
    case 'header':
      headers[credential.spec.name ?? 'Authorization'] = `${credential.spec.prefix ?? ''}${credential.value}`;
      break;
    case 'cookie':
      headers.Cookie = `${credential.spec.name}=${credential.value}`;
      break;
    case 'subprotocol':
      protocols.push(`${credential.spec.prefix ?? ''}${credential.value}`);
      break;
    case 'query': {
      const u = new URL(url);
      u.searchParams.set(credential.spec.name!, credential.value);
      url = u.href;
      break;
    }
    default:
  }
  const ws = new WebSocket(url, protocols, { headers });
  const inbox = new Inbox();
  ws.on('message', (data) => inbox.push({ payload: JSON.parse(data.toString()) as unknown }));
  ws.on('close', (code) => inbox.close(code));
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade answered ${res.statusCode}`)));
    ws.once('error', reject);
  });
  if (credential?.spec.in === 'first-message')
    ws.send(JSON.stringify({ type: credential.spec.message, [credential.spec.property ?? 'token']: credential.value }));
  return { ws, inbox };
}

export async function openSse(mock: MockServer, channel: MockChannel): Promise<{ res: IncomingMessage; inbox: Inbox; abort: () => void }> {
  const credential = await credentialFor(mock, channel.id);
  const headers: Record<string, string> = { Accept: 'text/event-stream' };
  const url = new URL(channel.url);
  if (credential?.spec.in === 'header') headers[credential.spec.name ?? 'Authorization'] = `${credential.spec.prefix ?? ''}${credential.value}`;
  if (credential?.spec.in === 'cookie') headers.Cookie = `${credential.spec.name}=${credential.value}`;
  if (credential?.spec.in === 'query') url.searchParams.set(credential.spec.name!, credential.value);
  const inbox = new Inbox();
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`SSE answered ${res.statusCode}`));
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event: string | undefined;
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length > 0) inbox.push({ event: event ?? 'message', payload: JSON.parse(data.join('\n')) as unknown });
        }
      });
      res.on('close', () => inbox.close(0));
      resolve({ res, inbox, abort: () => req.destroy() });
    });
    req.on('error', (e) => (inbox.closed ? undefined : reject(e)));
    req.end();
  });
}
