import type { IncomingMessage } from 'node:http';
import type { AuthSpec } from '../contract.ts';

export interface PresentedCredential {
  value: string;
  /** For subprotocol credentials: the offered protocol to echo back as accepted. */
  protocol?: string;
}

/**
 * Reads the credential a scheme expects from an HTTP request (upgrade or SSE). First-message
 * credentials arrive later, on the socket, and are not read here.
 */
export function readCredential(req: IncomingMessage, url: URL, credential: AuthSpec['credential']): PresentedCredential | undefined {
  switch (credential.in) {
    case 'header': {
      const raw = req.headers[(credential.name ?? 'authorization').toLowerCase()];
      const value = Array.isArray(raw) ? raw[0] : raw;
      if (value === undefined) return undefined;
      const prefix = credential.prefix ?? '';
      if (prefix && value.slice(0, prefix.length).toLowerCase() !== prefix.toLowerCase()) return undefined;
      const rest = value.slice(prefix.length).trim();
      return rest ? { value: rest } : undefined;
    }
    case 'query': {
      const value = url.searchParams.get(credential.name ?? '');
      return value ? { value } : undefined;
    }
    case 'cookie': {
      const value = parseCookies(req.headers.cookie)[credential.name ?? ''];
      return value ? { value } : undefined;
    }
    case 'subprotocol': {
      const prefix = credential.prefix ?? '';
      for (const protocol of offeredProtocols(req)) {
        if (protocol.startsWith(prefix) && protocol.length > prefix.length) return { value: protocol.slice(prefix.length), protocol };
      }
      return undefined;
    }
    case 'first-message':
      return undefined;
  }
}

export function offeredProtocols(req: IncomingMessage): string[] {
  const raw = req.headers['sec-websocket-protocol'];
  if (!raw) return [];
  return (Array.isArray(raw) ? raw.join(',') : raw)
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

/** RFC 6265 cookie header → map; the first occurrence of a name wins, as browsers send it. */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (!(name in out)) {
      try {
        out[name] = decodeURIComponent(value);
      } catch {
        out[name] = value;
      }
    }
  }
  return out;
}
