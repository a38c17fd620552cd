import type { ApiIR, ChannelIR, SecuritySchemeIR } from '../../ir/types.ts';

/** Scheme ids that may guard a channel, in the contract's order (operations first, then servers). */
export function channelSchemeIds(api: ApiIR, c: ChannelIR): string[] {
  const ids: string[] = [];
  const add = (id: string) => {
    if (!ids.includes(id)) ids.push(id);
  };
  for (const d of [c.send, c.receive]) for (const op of d.operations) op.security.forEach(add);
  for (const serverId of c.servers) api.servers.find((s) => s.id === serverId)?.security.forEach(add);
  return ids;
}

export type CredentialPlace = 'header' | 'query' | 'cookie' | 'subprotocol' | 'first-message';

export function credentialPlace(s: SecuritySchemeIR): CredentialPlace {
  const where = s.auth?.credential.in ?? s.in;
  if (where === 'query' || where === 'cookie' || where === 'subprotocol' || where === 'first-message') return where;
  return 'header';
}

/** Query parameter names that carry a credential (set from `auth`, not from channel parameters). */
export function credentialQueryNames(schemes: readonly SecuritySchemeIR[]): Set<string> {
  return new Set(schemes.filter((s) => credentialPlace(s) === 'query').map((s) => s.auth?.credential.name ?? s.name ?? ''));
}

/** One sentence: how the client presents this scheme, in Node and in a browser. */
export function schemeUsage(api: ApiIR, s: SecuritySchemeIR): string {
  const c = s.auth?.credential;
  const browserAlt = s.auth?.browser ? api.securitySchemes.find((x) => x.id === s.auth!.browser) : undefined;
  switch (credentialPlace(s)) {
    case 'query':
      return `Sent as the query parameter \`${c?.name ?? s.name ?? ''}\`, in Node and browsers.`;
    case 'cookie':
      return `Node: sent as the cookie \`${c?.name ?? s.name ?? ''}\` (Cookie header). Browsers: the value is not used; the browser sends the cookie it holds (fetch credentials: 'include' / EventSource withCredentials), from an origin the server allows.`;
    case 'subprotocol':
      return `Sent as the WebSocket subprotocol \`${c?.prefix ?? ''}<value>\`, in Node and browsers.`;
    case 'first-message':
      return `Sent as the first message \`{ "type": "${c?.message ?? 'auth'}", "${c?.property ?? 'token'}": <value> }\` as soon as the socket opens, in Node and browsers.`;
    default: {
      const header = `Sent in the \`${c?.name ?? s.name ?? 'Authorization'}\` header${c?.prefix ? ` as \`${c.prefix}<value>\`` : ''}.`;
      return browserAlt
        ? `${header} Browsers cannot set headers on a WebSocket: there the client sends the same value as \`${browserAlt.id}\`, the alternative the contract documents for browsers.`
        : `${header} Browsers cannot set headers on a WebSocket; for SSE and HTTP the client uses fetch, which can.`;
    }
  }
}
