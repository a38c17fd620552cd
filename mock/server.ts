import type { ChannelIR } from '../generator/src/contract/index.ts';
import {
  type ApiDescription,
  type ChannelValidator,
  type ConnectionInfo,
  type CorsOptions,
  createRuntimeServer,
  type HttpChannelHandlers,
  type RuntimeServer,
  type SseChannelHandlers,
  type SsePeer,
  type StreamwrightError,
  type WsChannelHandlers,
  type WsPeer,
} from '../runtime/index.ts';
import { createMockAuth, type MockAuth } from './auth.ts';
import type { MockContract } from './contract.ts';
import { contractError, invalidFrameCode, isStreamwrightErrorFrame, type StreamwrightErrorFrame } from './errors.ts';
import { FaultyLink, type FaultOptions, type FaultStats } from './faults.ts';
import { createPayloads, MessageStream, Random, subSeed, type DataMode, type OutboundMessage } from './source.ts';

export interface MockOptions {
  /** Seed of generated data and of every fault decision (default 1). */
  seed?: number;
  /** Messages per second each connection receives (default 1; 0 sends none). */
  rate?: number;
  /** Stop each connection's stream after this many messages (default: no end). */
  count?: number;
  /** `examples` (default): the messages' examples, generated data where a message has none; `generated`: always generated. */
  data?: DataMode;
  faults?: FaultOptions;
  /** Verify JWTs for real with this HS secret instead of only checking their shape. */
  jwtSecret?: Uint8Array;
  /** Multiplies the contract's timings (heartbeats, deadlines, stream durations). */
  timeScale?: number;
  /** Cross-origin browser access to SSE and HTTP channels. */
  cors?: CorsOptions;
  /** Extra pages at exact paths (the dev console); see the runtime's `pages`. */
  pages?: Readonly<Record<string, () => Promise<string>>>;
  onError?(error: Error, info?: { channel?: string; connection?: number }): void;
}

/** One served channel, as `serve` prints it. */
export interface MockChannel {
  id: string;
  transport: 'ws' | 'sse' | 'http';
  method?: string;
  /** A URL to connect to, with example path parameters and the required query parameters filled in. */
  url: string;
  /** Tags (or event names) of what the server sends and accepts. */
  sends: string[];
  receives: string[];
}

/** What happened on one connection, for tests and diagnostics. */
export interface MockConnection {
  id: number;
  channel: string;
  /** Position of the connection among all the mock accepted (1-based): its seeds derive from it. */
  ordinal: number;
  faults: FaultStats;
  /** Valid frames the client sent. */
  received: number;
  /** Invalid frames answered with an error. */
  refused: number;
}

export interface MockServer {
  readonly runtime: RuntimeServer;
  readonly contract: MockContract;
  /** The API as served: the contract's, with the security schemes as the mock applies them (see auth.ts). */
  readonly api: ApiDescription;
  listen(port: number, host?: string): Promise<{ port: number }>;
  close(): Promise<void>;
  channels(origin: string): Promise<MockChannel[]>;
  credentials(): Promise<{ scheme: string; usage: string; value: string }[]>;
  /** Connections so far, open or closed, in the order they opened. */
  connections(): readonly MockConnection[];
}

interface Session {
  info: MockConnection;
  stop(): void;
}

/**
 * A mock of any AsyncAPI document on the streamwright runtime: every channel served as its
 * contract says (auth, limits, heartbeats, validation in both directions), streams of example
 * or generated messages at a fixed rate per connection, invalid frames answered with an error,
 * and seeded faults on the way out.
 */
export function createMockServer(contract: MockContract, options: MockOptions = {}): MockServer {
  const seed = options.seed ?? 1;
  const rate = options.rate ?? 1;
  const count = options.count ?? Infinity;
  const mode = options.data ?? 'examples';
  const faults = options.faults ?? {};
  const payloads = createPayloads(contract);
  const auth: MockAuth = createMockAuth(contract.api, options.jwtSecret ? { jwtSecret: options.jwtSecret } : {});
  const channels = new Map(contract.ir.channels.map((c) => [c.id, c]));
  const report = (error: Error, info?: { channel?: string; connection?: number }) => {
    try {
      options.onError?.(error, info);
    } catch {
      // A failing hook must not take the mock down.
    }
  };
  const misc = new Random(subSeed(seed, 0, 3));
  const sessions = new Map<number, Session>();
  const history: MockConnection[] = [];
  let ordinal = 0;
  /** The runtime asks for the error code, then builds the payload, synchronously: the refusal travels between the two here. */
  let lastRefusal: { error: StreamwrightError; peer?: number } | undefined;

  // The streamwright error frame is valid on every channel that declares no error message of its own.
  const validators: Record<string, { send: ChannelValidator; receive: ChannelValidator }> = {};
  for (const [id, v] of Object.entries(contract.validators)) {
    const channel = channels.get(id)!;
    validators[id] = channel.errors
      ? v
      : { ...v, send: (...args: unknown[]) => (isStreamwrightErrorFrame(args[0]) ? { ok: true, value: args[0] } : v.send(...args)) };
  }

  const refuseShape = (peer: ConnectionInfo): { errorCode: string; message: string; closeCode: number } | { httpStatus: number } | undefined => {
    const onFailure = auth.refusal(peer.principal);
    if (!onFailure) return undefined;
    if (onFailure.action === 'error-and-close' && onFailure.errorCode)
      return { errorCode: onFailure.errorCode, message: 'the credential is not a JWT', closeCode: onFailure.closeCode ?? 1008 };
    return { httpStatus: onFailure.httpStatus ?? 401 };
  };

  const startStream = (channel: ChannelIR, peerId: number, send: (m: OutboundMessage) => void, disconnect: () => void): Session => {
    const n = ++ordinal;
    const info: MockConnection = {
      id: peerId,
      channel: channel.id,
      ordinal: n,
      faults: { offered: 0, dropped: 0, duplicated: 0, reordered: 0, sent: 0 },
      received: 0,
      refused: 0,
    };
    history.push(info);
    const stream = new MessageStream(contract, channel, payloads, new Random(subSeed(seed, n, 1)), mode);
    const link = new FaultyLink<OutboundMessage>(faults, subSeed(seed, n, 2), send, disconnect);
    info.faults = link.stats;
    let timer: NodeJS.Timeout | undefined;
    let offered = 0;
    const started = Date.now();
    const stopTimer = () => {
      if (timer) clearInterval(timer);
      timer = undefined;
    };
    const offer = () => {
      // Catch up to the rate from the start: timers drift, the count per elapsed time does not.
      const due = Math.min(count, Math.floor(((Date.now() - started) * rate) / 1000) + 1);
      while (offered < due) {
        const m = stream.next();
        if (!m) break;
        offered++;
        link.push(m);
      }
      if (offered >= count) {
        stopTimer();
        link.finish();
      }
    };
    if (rate > 0 && count > 0 && !stream.empty) {
      offer();
      if (offered < count) {
        timer = setInterval(offer, Math.max(1, Math.floor(1000 / rate)));
        timer.unref();
      }
    }
    const session = {
      info,
      stop: () => {
        stopTimer();
        link.stop();
      },
    };
    sessions.set(peerId, session);
    return session;
  };

  const endSession = (peerId: number) => {
    sessions.get(peerId)?.stop();
    sessions.delete(peerId);
  };

  const handlers: Record<string, WsChannelHandlers | SseChannelHandlers | HttpChannelHandlers> = {};
  for (const channel of channels.values()) {
    if (channel.transport === 'ws') {
      handlers[channel.id] = {
        authorize: (peer) => refuseShape(peer),
        open: (peer: WsPeer) => {
          startStream(
            channel,
            peer.id,
            (m) => {
              try {
                peer.send(m.payload);
              } catch (e) {
                report(e as Error);
              }
            },
            () => cut(peer.request.socket),
          );
        },
        message: (peer) => {
          const s = sessions.get(peer.id);
          if (s) s.info.received++;
        },
        close: (peer) => endSession(peer.id),
      } satisfies WsChannelHandlers;
    } else if (channel.transport === 'sse') {
      handlers[channel.id] = {
        authorize: (peer) => {
          const refusal = refuseShape(peer);
          return refusal ? { httpStatus: 'httpStatus' in refusal ? refusal.httpStatus : 401 } : undefined;
        },
        open: (peer: SsePeer) => {
          startStream(
            channel,
            peer.id,
            (m) => {
              try {
                peer.send(m.event, m.payload);
              } catch (e) {
                report(e as Error);
              }
            },
            () => cut(peer.request.socket),
          );
        },
        close: (peer) => endSession(peer.id),
      } satisfies SseChannelHandlers;
    } else {
      handlers[channel.id] = {
        request: (_body, info) => {
          const refusal = refuseShape(info);
          if (refusal)
            return { status: 'httpStatus' in refusal ? refusal.httpStatus : 401, body: { error: 'unauthorized', message: 'the credential is not a JWT' } };
          return httpResponse(channel, payloads, misc);
        },
      } satisfies HttpChannelHandlers;
    }
  }

  const runtime = createRuntimeServer({
    api: auth.api,
    validators,
    handlers,
    auth: auth.verifiers,
    timeScale: options.timeScale ?? 1,
    cors: options.cors,
    ...(options.pages ? { pages: options.pages } : {}),
    invalidFrameErrorCode: (channelId, frame) => {
      const channel = channels.get(channelId);
      if (frame) lastRefusal = { error: frame.error };
      return (channel && invalidFrameCode(channel, frame)) ?? frame?.error.code ?? 'SW_FRAME_INVALID';
    },
    errorMessage: (channelId, code, message) => {
      const channel = channels.get(channelId);
      if (!channel) return undefined;
      const refusal = lastRefusal;
      lastRefusal = undefined;
      if (channel.errors) return contractError(contract, channel, payloads, misc, code, message, (p) => contract.validators[channelId]!.send(p));
      const frame: StreamwrightErrorFrame = {
        $streamwright: 'error',
        code,
        message,
        ...(refusal?.error.details?.length ? { details: refusal.error.details } : {}),
      };
      return frame;
    },
    heartbeatMessage: (channelId) => {
      const channel = channels.get(channelId);
      const hb = channel?.heartbeat;
      if (!channel || !hb || hb.mode === 'none') return undefined;
      const entry = channel.send.messages.find((cm) => cm.tag === hb.message);
      return entry ? payloads.payload(entry.message, misc, mode, 0) : undefined;
    },
    onError: (error, where) => {
      const code = (error as StreamwrightError).code;
      const s = where?.connection === undefined ? undefined : sessions.get(where.connection);
      if (s && (code === 'SW_FRAME_INVALID' || code === 'SW_FRAME_NOT_JSON' || code === 'SW_FRAME_BINARY')) s.info.refused++;
      report(error, where);
    },
  });

  return {
    runtime,
    contract,
    api: auth.api,
    listen: (port, host) => runtime.listen(port, host),
    async close() {
      for (const s of sessions.values()) s.stop();
      sessions.clear();
      await runtime.close();
    },
    channels: async (origin) => describeChannels(contract, auth, payloads, origin),
    credentials: () => auth.credentials(),
    connections: () => history,
  };
}

/**
 * An abrupt loss, as when a network path dies: what was already written is flushed, then the TCP
 * connection ends with no WebSocket close frame (the client sees 1006) and no end of the SSE
 * response's chunked body.
 */
function cut(socket: import('node:net').Socket) {
  // After the tick: the runtime hands a tick's SSE events to the socket at its end.
  setImmediate(() => {
    socket.destroySoon();
    setTimeout(() => socket.destroy(), 1000).unref();
  });
}

/** The first success status the operation declares (x-sw-http), with a body generated from its schema. */
function httpResponse(channel: ChannelIR, payloads: ReturnType<typeof createPayloads>, random: Random): { status: number; body?: unknown } {
  const responses = [...channel.receive.operations, ...channel.send.operations].flatMap((op) => Object.entries(op.http?.responses ?? {}));
  const success = responses.filter(([status]) => status.startsWith('2')).sort(([a], [b]) => a.localeCompare(b))[0];
  if (!success) return { status: 204 };
  const [status, response] = success;
  if (response.body === undefined) return { status: Number(status) };
  try {
    return { status: Number(status), body: payloads.sample(response.body, random) };
  } catch {
    return { status: Number(status) };
  }
}

async function describeChannels(contract: MockContract, auth: MockAuth, payloads: ReturnType<typeof createPayloads>, origin: string): Promise<MockChannel[]> {
  const base = origin.replace(/\/+$/, '');
  const wsBase = base.replace(/^http(s?):/i, (_m, s: string) => `ws${s}:`);
  const random = new Random(7);
  const out: MockChannel[] = [];
  for (const c of contract.ir.channels) {
    let path = c.address;
    for (const p of c.parameters) path = path.split(`{${p.name}}`).join(encodeURIComponent(p.examples?.[0] ?? p.default ?? p.enum?.[0] ?? 'example'));
    const query = new URLSearchParams();
    const q = c.query as { required?: unknown; properties?: Record<string, unknown> } | undefined;
    const described = auth.api.channels[c.id]!;
    const schemes = auth.api.securitySchemes.filter((s) => {
      const ids = new Set([...described.send.operations, ...described.receive.operations].flatMap((op) => op.security));
      if (ids.size === 0) for (const server of auth.api.servers) if (c.servers.includes(server.id)) for (const id of server.security) ids.add(id);
      return ids.has(s.id);
    });
    const queryCredential = schemes.find((s) => s.auth?.credential.in === 'query');
    for (const name of Array.isArray(q?.required) ? (q.required as unknown[]).map(String) : []) {
      if (queryCredential?.auth?.credential.name === name) query.set(name, await auth.credentialFor(queryCredential.id));
      else {
        const property = q?.properties?.[name] as { examples?: unknown[]; example?: unknown; default?: unknown } | undefined;
        let value: unknown = property?.examples?.[0] ?? property?.example ?? property?.default;
        try {
          value ??= payloads.sample(property ?? { type: 'string', minLength: 1 }, random);
        } catch {
          value = 'example';
        }
        query.set(name, typeof value === 'string' ? value : JSON.stringify(value));
      }
    }
    const qs = query.toString();
    const url = `${c.transport === 'ws' ? wsBase : base}${path}${qs ? `?${qs}` : ''}`;
    const method =
      c.transport === 'ws' ? undefined : (c.send.operations[0]?.httpMethod ?? c.receive.operations[0]?.httpMethod ?? (c.transport === 'sse' ? 'GET' : 'POST'));
    const tags = (d: 'send' | 'receive') => c[d].messages.map((cm) => cm.tag ?? contract.message(cm.message).name ?? cm.key);
    out.push({ id: c.id, transport: c.transport, ...(method ? { method } : {}), url, sends: tags('send'), receives: tags('receive') });
  }
  return out;
}
