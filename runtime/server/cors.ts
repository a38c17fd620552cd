import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChannelDescription, SecuritySchemeDescription } from '../contract.ts';
import { credentialOf } from './security.ts';

/**
 * Cross-origin access for SSE and HTTP channels: a page on another origin (a front-end dev server
 * on another port, an app on its own domain) may read these responses only with CORS headers.
 * WebSocket upgrades are outside CORS; cookie schemes check Origin themselves (auth.allowedOrigins).
 */
export interface CorsOptions {
  /**
   * Exact origins (`https://app.example.com`, `http://localhost:5173`) whose pages may read the
   * responses, cookies included. No wildcard: with credentials the origin must be echoed, and
   * echoing any origin would hand every site the user's session.
   */
  origins: readonly string[];
  /** How long a browser may cache a preflight answer (default 600 s). */
  maxAgeSeconds?: number;
}

/** Request headers the clients send besides credentials (the SSE reader and the HTTP client). */
const BASE_HEADERS = ['Accept', 'Cache-Control', 'Content-Type', 'Last-Event-ID'];

/** The request's Origin when it is allowed; `undefined` otherwise (also when CORS is off). */
function allowedOrigin(req: IncomingMessage, cors: CorsOptions | undefined): string | undefined {
  const origin = req.headers.origin;
  return cors && origin !== undefined && cors.origins.includes(origin) ? origin : undefined;
}

/** Sets the CORS headers of an actual response (any status: a refusal must be readable too). */
export function applyCors(req: IncomingMessage, res: ServerResponse, cors: CorsOptions | undefined): void {
  if (!cors) return;
  // Caches must not hand one origin's answer to another.
  res.setHeader('Vary', 'Origin');
  const origin = allowedOrigin(req, cors);
  if (origin === undefined) return;
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Allow-Credentials', 'true');
}

/** Whether the request is a CORS preflight (OPTIONS with Access-Control-Request-Method). */
export function isPreflight(req: IncomingMessage): boolean {
  return req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
}

/**
 * Answers a preflight for a channel: 204 with what the channel accepts (its method, the headers
 * its clients send, the header credentials of its schemes) for an allowed origin, 403 otherwise.
 */
export function answerPreflight(
  req: IncomingMessage,
  res: ServerResponse,
  cors: CorsOptions | undefined,
  channel: ChannelDescription,
  method: string,
  schemes: readonly SecuritySchemeDescription[],
): void {
  const origin = allowedOrigin(req, cors);
  if (origin === undefined) {
    if (cors) res.setHeader('Vary', 'Origin');
    res.writeHead(403, { 'Content-Length': 0 });
    res.end();
    return;
  }
  const credentialHeaders = schemes.flatMap((s) => {
    const credential = credentialOf(s);
    return credential?.in === 'header' && credential.name ? [credential.name] : [];
  });
  const headers = [...new Set([...BASE_HEADERS, ...credentialHeaders])];
  res.writeHead(204, {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Credentials': 'true',
    'Access-Control-Allow-Methods': channel.transport === 'sse' ? `${method}, HEAD` : method,
    'Access-Control-Allow-Headers': headers.join(', '),
    'Access-Control-Max-Age': String(cors!.maxAgeSeconds ?? 600),
    Vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    'Content-Length': 0,
  });
  res.end();
}
