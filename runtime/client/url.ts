import { compileAddress } from '../address.ts';
import { StreamwrightError } from '../errors.ts';
import type { ApiDescription, ChannelDescription } from '../contract.ts';
import type { Carrier } from './auth.ts';

/** Where a client connects: a full URL, a base URL, or a server of the contract by id. */
export interface Target {
  url?: string;
  baseUrl?: string;
  server?: string;
}

function withScheme(url: URL, carrier: Carrier): URL {
  const secure = url.protocol === 'https:' || url.protocol === 'wss:';
  url.protocol = carrier === 'ws' ? (secure ? 'wss:' : 'ws:') : secure ? 'https:' : 'http:';
  return url;
}

function serverBase(api: ApiDescription, channel: ChannelDescription, wanted: string | undefined): string {
  const servers = channel.servers.flatMap((id) => api.servers.filter((s) => s.id === id));
  const named = wanted === undefined ? undefined : api.servers.find((s) => s.id === wanted);
  // A named server the channel is not on still tells the host (e.g. `development` for the SSE twin on `developmentHttp`).
  const server = (named && servers.find((s) => s.id === named.id)) ?? (named && servers.find((s) => s.host === named.host)) ?? servers[0] ?? named;
  if (!server) throw new StreamwrightError('SW_CONFIG_INVALID', `no server for channel ${channel.id}; pass url or baseUrl`);
  const protocol = /^(wss|https)$/i.test(server.protocol) ? 'https' : 'http';
  return `${protocol}://${server.host}${server.pathname ?? ''}`;
}

/**
 * The URL of a channel for given parameters: path parameters fill the address, the others go to
 * the query, then the credential's query parameters.
 */
export function channelUrl(
  api: ApiDescription,
  channel: ChannelDescription,
  carrier: Carrier,
  target: Target,
  params: Readonly<Record<string, string | undefined>>,
  credentialQuery: Readonly<Record<string, string>>,
): string {
  const pathNames = new Set(channel.parameters.map((p) => p.name));
  let url: URL;
  const explicit = target.url !== undefined ? new URL(target.url) : undefined;
  if (explicit && explicit.pathname !== '/' && explicit.pathname !== '') {
    url = explicit;
  } else {
    const base = explicit ? explicit.origin : (target.baseUrl ?? serverBase(api, channel, target.server));
    const pathValues: Record<string, string> = {};
    for (const name of pathNames) {
      const value = params[name] ?? channel.parameters.find((p) => p.name === name)?.default;
      if (value === undefined) throw new StreamwrightError('SW_CONFIG_INVALID', `missing path parameter ${name} for ${channel.address}`);
      pathValues[name] = value;
    }
    const baseUrl = new URL(base);
    const prefix = baseUrl.pathname.replace(/\/+$/, '');
    url = new URL(prefix + compileAddress(channel.address).format(pathValues), baseUrl);
    if (explicit) explicit.searchParams.forEach((v, k) => url.searchParams.set(k, v));
  }
  for (const [k, v] of Object.entries(params)) if (!pathNames.has(k) && v !== undefined) url.searchParams.set(k, v);
  for (const [k, v] of Object.entries(credentialQuery)) url.searchParams.set(k, v);
  return withScheme(url, carrier).toString();
}
