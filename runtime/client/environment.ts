import type { ClientEnvironment, WebSocketConstructorLike } from './types.ts';

/** Whether this is Node (or a runtime that claims to be), where `ws` can carry headers. */
export function resolveEnvironment(requested: ClientEnvironment | undefined): 'node' | 'browser' {
  if (requested === 'node' || requested === 'browser') return requested;
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string' ? 'node' : 'browser';
}

/** The `ws` package's WebSocket, in the shape the client uses. */
export interface NodeWebSocket {
  readonly readyState: number;
  readonly protocol: string;
  on(event: 'open', fn: () => void): void;
  on(event: 'message', fn: (data: { toString(): string }, isBinary: boolean) => void): void;
  on(event: 'close', fn: (code: number, reason: { toString(): string }) => void): void;
  on(event: 'error', fn: (error: Error) => void): void;
  on(event: 'unexpected-response', fn: (req: unknown, res: { statusCode?: number; resume(): void }) => void): void;
  send(data: string, cb?: (error?: Error) => void): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
}
export type NodeWebSocketConstructor = new (url: string, protocols: string[], options: { headers?: Record<string, string> }) => NodeWebSocket;

let wsModule: Promise<NodeWebSocketConstructor | undefined> | undefined;

/**
 * `ws`, loaded only when a connection needs it (Node). The specifier is not a literal, so that a
 * browser bundler neither follows nor bundles it.
 */
export function loadNodeWebSocket(): Promise<NodeWebSocketConstructor | undefined> {
  wsModule ??= (async () => {
    const specifier = ['w', 's'].join('');
    try {
      const mod = (await import(/* @vite-ignore */ specifier)) as { default?: NodeWebSocketConstructor; WebSocket?: NodeWebSocketConstructor };
      return mod.WebSocket ?? mod.default;
    } catch {
      return undefined;
    }
  })();
  return wsModule;
}

export function globalWebSocket(): WebSocketConstructorLike | undefined {
  const ctor = (globalThis as { WebSocket?: unknown }).WebSocket;
  return typeof ctor === 'function' ? (ctor as WebSocketConstructorLike) : undefined;
}
