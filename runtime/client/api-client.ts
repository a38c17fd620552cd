import type { ApiDescription, ChannelDescription } from '../contract.ts';
import { StreamwrightError } from '../errors.ts';
import { httpRequest, type HttpResponse } from './http.ts';
import { SseChannelClient, type SseChannelConfig } from './sse-channel.ts';
import type { ClientAuth, ClientOptions, ValidationResult } from './types.ts';
import type { Target } from './url.ts';
import { LazyValidators } from '../lazy-validators.ts';
import { WsChannelClient, type WsChannelConfig, type WsValidators } from './ws-channel.ts';

/** What a generated `create<Api>Client` takes: where, which credentials, and options. */
export interface ApiClientOptions<Auth extends ClientAuth = ClientAuth> extends ClientOptions {
  /** A full URL (its path is used for channels whose address it matches), or only an origin. */
  url?: string;
  /** Origin (and optional path prefix) of the server: `http://localhost:3000`; ws(s) for WebSocket channels is derived. */
  baseUrl?: string;
  /** A server id of the contract (`development`), used when neither url nor baseUrl is given. */
  server?: string;
  /** Credentials by security scheme id. */
  auth?: Auth;
}

/**
 * A WebSocket channel as a generated client opens it: its validators given at once (`inbound`,
 * `outbound`), or `load`, which imports the channel's module on its first connection (once per
 * client; later connections of the channel get them synchronously).
 */
export interface WsBinding {
  channel: string;
  inbound?: (data: unknown) => ValidationResult;
  outbound?: (data: unknown) => ValidationResult;
  load?: () => Promise<WsValidators>;
  pong?: unknown;
}

/** An SSE channel as a generated client opens it: `inbound` at once, or `load` on first connection. */
export interface SseBinding {
  channel: string;
  inbound?: (event: string, data: unknown) => ValidationResult;
  load?: () => Promise<(event: string, data: unknown) => ValidationResult>;
}

/** A request body's validator, imported on the endpoint's first request. */
export interface LazyValidator {
  load: () => Promise<(data: unknown) => ValidationResult>;
}

/** Per-connection overrides of the client's options. */
export type ChannelOptions = ClientOptions & { auth?: ClientAuth; resubscribe?: readonly unknown[] } & Target;

/** The untyped core a generated client wraps: opens channels and tracks them for `close()`. */
export class ApiClient {
  private readonly open = new Set<{ close(): Promise<unknown> }>();
  /** Lazily imported validators, by channel id and direction: imported once per client. */
  private readonly lazy = new Map<string, LazyValidators<unknown>>();

  constructor(
    readonly api: ApiDescription,
    private readonly options: ApiClientOptions,
  ) {}

  ws<TagMap, In, Out>(
    binding: WsBinding,
    params: Readonly<Record<string, string | undefined>> = {},
    overrides: ChannelOptions = {},
  ): WsChannelClient<TagMap, In, Out> {
    const { options, target, auth, rest } = this.merge(overrides);
    const channel = this.channel(binding.channel);
    const client = new WsChannelClient<TagMap, In, Out>({
      api: this.api,
      channel,
      options,
      target,
      params,
      auth,
      ...this.validators(
        binding.channel,
        binding.load,
        binding.inbound ? { inbound: binding.inbound, ...(binding.outbound ? { outbound: binding.outbound } : {}) } : undefined,
      ),
      ...(binding.pong !== undefined ? { pong: binding.pong } : {}),
      ...(rest.resubscribe ? { resubscribe: rest.resubscribe } : {}),
    });
    this.track(client);
    return client;
  }

  sse<TagMap, Event>(
    binding: SseBinding,
    params: Readonly<Record<string, string | undefined>> = {},
    overrides: ChannelOptions = {},
  ): SseChannelClient<TagMap, Event> {
    const { options, target, auth } = this.merge(overrides);
    const client = new SseChannelClient<TagMap, Event>({
      api: this.api,
      channel: this.channel(binding.channel),
      options,
      target,
      params,
      auth,
      ...this.sseValidators(binding),
    });
    this.track(client);
    return client;
  }

  async request(
    channelId: string,
    body: unknown,
    validate?: ((data: unknown) => ValidationResult) | LazyValidator,
    overrides: ChannelOptions = {},
  ): Promise<HttpResponse> {
    const { options, target, auth } = this.merge(overrides);
    const check = typeof validate === 'object' ? await this.cached(channelId, 'request', validate.load).load() : validate;
    return httpRequest(this.api, this.channel(channelId), { target, auth, options, ...(check ? { validate: check } : {}) }, body);
  }

  private cached<T>(channelId: string, kind: 'ws' | 'sse' | 'request', load: () => Promise<T>): LazyValidators<T> {
    const key = `${kind}:${channelId}`;
    let lazy = this.lazy.get(key) as LazyValidators<T> | undefined;
    if (!lazy) this.lazy.set(key, (lazy = new LazyValidators<T>(channelId, undefined, load)));
    return lazy;
  }

  /** What a WebSocket channel client takes: the validators when loaded (or given), else the loader. */
  private validators(channelId: string, load: WsBinding['load'], given: WsValidators | undefined): Pick<WsChannelConfig, 'inbound' | 'outbound' | 'load'> {
    if (!load) return given ?? {};
    const lazy = this.cached(channelId, 'ws', load);
    const v = lazy.current;
    if (v) return { inbound: v.inbound, ...(v.outbound ? { outbound: v.outbound } : {}) };
    return { load: () => lazy.load() };
  }

  private sseValidators(binding: SseBinding): Pick<SseChannelConfig, 'inbound' | 'load'> {
    if (!binding.load) return binding.inbound ? { inbound: binding.inbound } : {};
    const lazy = this.cached(binding.channel, 'sse', binding.load);
    const v = lazy.current;
    return v ? { inbound: v } : { load: () => lazy.load() };
  }

  /** Closes every channel this client opened. */
  async close(): Promise<void> {
    await Promise.all([...this.open].map((c) => c.close()));
  }

  private track(client: { close(): Promise<unknown>; onState(name: 'closed', fn: () => void): unknown }) {
    this.open.add(client);
    client.onState('closed', () => this.open.delete(client));
  }

  private channel(id: string): ChannelDescription {
    // An own property only: a channel id like `toString` must not find Object.prototype's.
    if (!Object.hasOwn(this.api.channels, id)) throw new StreamwrightError('SW_CONFIG_INVALID', `no channel ${id} in ${this.api.name}`);
    return this.api.channels[id]!;
  }

  private merge(overrides: ChannelOptions) {
    const { url, baseUrl, server, auth: baseAuth, ...baseOptions } = this.options;
    const { url: u2, baseUrl: b2, server: s2, auth: a2, resubscribe, ...channelOptions } = overrides;
    const target: Target = {};
    const pick = <K extends keyof Target>(k: K, over: Target[K], base: Target[K]) => {
      const v = over ?? base;
      if (v !== undefined) target[k] = v;
    };
    pick('url', u2, url);
    pick('baseUrl', b2, baseUrl);
    pick('server', s2, server);
    return { options: { ...baseOptions, ...channelOptions } as ClientOptions, target, auth: a2 ?? baseAuth, rest: { resubscribe } };
  }
}

export function createApiClient(api: ApiDescription, options: ApiClientOptions = {}): ApiClient {
  return new ApiClient(api, options);
}
