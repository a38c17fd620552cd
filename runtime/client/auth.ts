import type { ApiDescription, ChannelDescription, SecuritySchemeDescription } from '../contract.ts';
import { StreamwrightError } from '../errors.ts';
import { taggedMessage } from '../protocol/frame.ts';
import type { ClientAuth, Credential } from './types.ts';

/** How one connection attempt presents its credential. */
export interface AuthPlan {
  scheme: string | undefined;
  query: Record<string, string>;
  headers: Record<string, string>;
  protocols: string[];
  /** A first message to send as soon as the socket opens. */
  firstMessage: Record<string, string> | undefined;
  /** Let the browser attach its cookies (fetch `credentials: 'include'`, EventSource `withCredentials`). */
  withCredentials: boolean;
}

export type Carrier = 'ws' | 'sse' | 'http';

/** Security schemes that may guard a channel, in the contract's order of preference. */
export function channelSchemes(api: ApiDescription, channel: ChannelDescription): SecuritySchemeDescription[] {
  const ids: string[] = [];
  const add = (id: string) => {
    if (!ids.includes(id)) ids.push(id);
  };
  for (const d of [channel.send, channel.receive]) for (const op of d.operations) op.security.forEach(add);
  for (const serverId of channel.servers) api.servers.find((s) => s.id === serverId)?.security.forEach(add);
  return ids.flatMap((id) => api.securitySchemes.filter((s) => s.id === id));
}

/** Whether this environment can present the scheme's credential over this carrier. */
function canCarry(scheme: SecuritySchemeDescription, browser: boolean, carrier: Carrier): boolean {
  const where = scheme.auth?.credential.in ?? (scheme.in === 'query' ? 'query' : scheme.in === 'cookie' ? 'cookie' : 'header');
  if (!browser) return true;
  // A browser cannot set headers on a WebSocket upgrade, and never sets Cookie itself (it sends its own).
  if (where === 'header') return carrier !== 'ws';
  return true;
}

async function resolve(credential: Credential): Promise<string> {
  return typeof credential === 'function' ? await credential() : credential;
}

/**
 * Picks the first scheme of the channel for which the caller gave a credential and which this
 * environment can carry; in a browser, a header scheme is replaced by the alternative its
 * contract names (`x-sw-auth.browser`). No usable credential: the connection is attempted
 * without one and the server's refusal surfaces as SW_AUTH_REJECTED.
 */
export async function planAuth(
  api: ApiDescription,
  channel: ChannelDescription,
  auth: ClientAuth | undefined,
  browser: boolean,
  carrier: Carrier,
): Promise<AuthPlan> {
  const plan: AuthPlan = { scheme: undefined, query: {}, headers: {}, protocols: [], firstMessage: undefined, withCredentials: false };
  const schemes = channelSchemes(api, channel);
  for (const candidate of schemes) {
    let scheme = candidate;
    const where = scheme.auth?.credential.in;
    const cookie = where === 'cookie' || scheme.in === 'cookie';
    const given = auth?.[scheme.id];
    if (cookie && browser) {
      plan.scheme = scheme.id;
      plan.withCredentials = true;
      return plan;
    }
    if (given === undefined) continue;
    if (!canCarry(scheme, browser, carrier)) {
      const alternative = api.securitySchemes.find((s) => s.id === scheme.auth?.browser);
      if (!alternative || !canCarry(alternative, browser, carrier)) continue;
      scheme = alternative;
    }
    let value: string;
    try {
      value = await resolve(given);
    } catch (e) {
      throw new StreamwrightError('SW_AUTH_MISSING', `the credential provider for ${scheme.id} failed`, { cause: e });
    }
    if (typeof value !== 'string' || value === '')
      throw new StreamwrightError('SW_AUTH_MISSING', `the credential provider for ${scheme.id} gave no credential`);
    apply(plan, scheme, value, channel);
    return plan;
  }
  return plan;
}

function apply(plan: AuthPlan, scheme: SecuritySchemeDescription, value: string, channel: ChannelDescription) {
  plan.scheme = scheme.id;
  const credential = scheme.auth?.credential;
  const where = credential?.in ?? scheme.in;
  switch (where) {
    case 'query':
      plan.query[credential?.name ?? scheme.name ?? 'token'] = value;
      return;
    case 'cookie':
      plan.headers['Cookie'] = `${credential?.name ?? scheme.name ?? 'session'}=${value}`;
      plan.withCredentials = true;
      return;
    case 'subprotocol':
      plan.protocols.push(`${credential?.prefix ?? ''}${value}`);
      return;
    case 'first-message': {
      plan.firstMessage = taggedMessage(channel.tagProperty, credential?.message ?? 'auth', { [credential?.property ?? 'token']: value });
      return;
    }
    default: {
      const name = credential?.name ?? scheme.name ?? 'Authorization';
      const prefix = credential?.prefix ?? (scheme.scheme?.toLowerCase() === 'bearer' ? 'Bearer ' : '');
      plan.headers[name] = `${prefix}${value}`;
    }
  }
}
