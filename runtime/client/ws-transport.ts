import { StreamwrightError } from '../errors.ts';
import { globalWebSocket, loadNodeWebSocket } from './environment.ts';
import type { WebSocketConstructorLike } from './types.ts';

export interface WsTransportHandlers {
  open(): void;
  /** `data` is the text of a text frame, or undefined for a binary frame. */
  message(data: string | undefined, raw: unknown): void;
  /** Once, when the socket is gone (or never opened); `httpStatus` of a refused upgrade where it can be known. */
  close(code: number, reason: string, httpStatus?: number): void;
}

export interface WsTransport {
  send(text: string): void;
  close(code: number, reason: string): void;
  /** Drops the socket without a closing handshake. */
  abort(): void;
}

export interface OpenOptions {
  browser: boolean;
  protocols: string[];
  headers: Record<string, string>;
  WebSocket?: WebSocketConstructorLike;
}

/**
 * One WebSocket, from `ws` in Node (loaded on demand: it carries headers and tells the HTTP status
 * of a refused upgrade) or the global / given WHATWG WebSocket (browsers; there a refused upgrade
 * looks like any failed connection, close 1006).
 */
export async function openWebSocket(url: string, options: OpenOptions, handlers: WsTransportHandlers): Promise<WsTransport> {
  const wantsHeaders = Object.keys(options.headers).length > 0;
  if (!options.WebSocket && !options.browser) {
    const NodeWs = await loadNodeWebSocket();
    if (NodeWs) return openNode(NodeWs, url, options, handlers);
  }
  const Ctor = options.WebSocket ?? globalWebSocket();
  if (!Ctor) throw new StreamwrightError('SW_TRANSPORT_UNAVAILABLE', 'no WebSocket implementation: install `ws` (Node) or pass options.WebSocket');
  if (wantsHeaders && !options.WebSocket)
    throw new StreamwrightError(
      'SW_TRANSPORT_UNAVAILABLE',
      'this connection needs request headers, which a WHATWG WebSocket cannot send; use the browser credential path of the contract',
    );
  return openWhatwg(Ctor, url, options, handlers);
}

function openNode(
  Ctor: NonNullable<Awaited<ReturnType<typeof loadNodeWebSocket>>>,
  url: string,
  options: OpenOptions,
  handlers: WsTransportHandlers,
): WsTransport {
  let httpStatus: number | undefined;
  let done = false;
  const socket = new Ctor(url, options.protocols, { headers: options.headers });
  socket.on('open', () => handlers.open());
  socket.on('message', (data, isBinary) => handlers.message(isBinary ? undefined : data.toString(), data));
  socket.on('unexpected-response', (_req, res) => {
    httpStatus = res.statusCode;
    res.resume();
    socket.terminate();
  });
  // Errors are followed by 'close'; the close carries what the client needs.
  socket.on('error', () => {});
  socket.on('close', (code, reason) => {
    if (done) return;
    done = true;
    handlers.close(code, reason.toString(), httpStatus);
  });
  return {
    send: (text) => socket.send(text),
    close: (code, reason) => {
      try {
        socket.close(code, reason);
      } catch {
        socket.terminate();
      }
    },
    abort: () => socket.terminate(),
  };
}

function openWhatwg(Ctor: WebSocketConstructorLike, url: string, options: OpenOptions, handlers: WsTransportHandlers): WsTransport {
  let done = false;
  const finish = (code: number, reason: string) => {
    if (done) return;
    done = true;
    handlers.close(code, reason);
  };
  const socket = options.protocols.length > 0 ? new Ctor(url, options.protocols) : new Ctor(url);
  socket.onopen = () => handlers.open();
  socket.onmessage = (ev) => handlers.message(typeof ev.data === 'string' ? ev.data : undefined, ev.data);
  socket.onclose = (ev) => finish(ev.code, ev.reason);
  socket.onerror = () => {};
  return {
    send: (text) => socket.send(text),
    close: (code, reason) => {
      try {
        socket.close(code, reason);
      } catch {
        socket.close();
      }
    },
    abort: () => {
      // A WHATWG socket cannot be dropped without a handshake; report it gone now.
      try {
        socket.close(4000, 'silent server');
      } catch {
        socket.close();
      }
      finish(1006, 'aborted');
    },
  };
}
