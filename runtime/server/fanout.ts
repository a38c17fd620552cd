/**
 * One message to many clients, and where a runtime server meets its bus: `broadcast` to the open
 * WebSockets of a channel, `sendTo` one connection wherever it is, `publish` to the readers of an
 * SSE stream (kept for Last-Event-ID replay), SSE readers joining and resuming, and the counts
 * behind connection limits. Everything that reaches more than one connection goes through here,
 * validated and serialised once, then through the bus (`memoryBus()` by default, `redisBus()`
 * across processes), which brings it to every instance; each instance delivers to its own
 * connections. The server keeps the sockets; this keeps who gets what.
 */
import { memoryBus } from '../bus/memory.ts';
import type { Bus, BusNode, BusSseEvent, BusWsMessage } from '../bus/types.ts';
import type { ApiDescription } from '../contract.ts';
import { encodeSse } from '../sse/encode.ts';
import { textFrame } from '../ws/frame.ts';
import type { OutboundCheck } from './outbound.ts';
import type { SsePeer } from './types.ts';
import type { WsSession } from './ws-session.ts';

/** Path parameters as a caller may give them to select recipients (any subset). */
export type ParamFilter = Readonly<Record<string, string | undefined>>;

/** A reader of an SSE stream, as the fan-out sees it. */
export interface StreamReader extends SsePeer {
  /** The id of the last stream event this reader got (per-connection events repeat it). */
  cursor: string | undefined;
  /** Set while the reader's replay is being fetched: live events wait here. */
  held: BusSseEvent[] | undefined;
  /**
   * Set once joined, until a live event past the cursor arrives: on a bus whose live path and
   * lookups are separate connections, events the replay had may still come in live.
   */
  fresh: boolean;
  writeEncoded(encoded: Buffer): void;
  write(id: string | undefined, event: string, data: string, burst?: boolean): void;
  end(): void;
}

/** One SSE stream (a channel and one set of address parameter values) on this instance. */
export interface SseStream {
  readonly key: string;
  readonly capacity: number;
  readonly peers: Set<StreamReader>;
}

export class Fanout implements BusNode {
  readonly bus: Bus;
  readonly namespace: string;
  /** Every WebSocket session of this instance, open or still authenticating. */
  readonly sessions = new Set<WsSession>();
  private readonly streams = new Map<string, SseStream>();

  constructor(
    private readonly api: ApiDescription,
    private readonly outbound: OutboundCheck,
    bus: Bus | undefined,
    readonly report: (error: Error) => void,
  ) {
    this.namespace = api.name;
    this.bus = bus ?? memoryBus();
  }

  start(): Promise<void> {
    return this.bus.start(this);
  }

  stop(): Promise<void> {
    return this.bus.stop();
  }

  /** A connection's address on the bus, for `sendTo` from any instance. */
  address(connection: number): string {
    return `${this.bus.instance}/${connection}`;
  }

  /**
   * Validates once, serialises once, and sends to every open WebSocket on the channel (and
   * matching parameters) on every instance of the bus. Returns the connections reached on this
   * instance.
   */
  broadcast(channelId: string, message: unknown, params?: ParamFilter): number {
    if (this.defer(channelId, () => this.broadcast(channelId, message, params))) return 0;
    this.outbound.message(channelId, message, 'broadcast');
    const given = params ? definedParams(params) : undefined;
    return this.bus.broadcast({ channel: channelId, ...(given ? { params: given } : {}), text: JSON.stringify(message) });
  }

  /** Validates and sends to one WebSocket connection, on whichever instance holds it (see address()). */
  sendTo(channelId: string, address: string, message: unknown): number {
    if (this.defer(channelId, () => this.sendTo(channelId, address, message))) return 0;
    this.outbound.message(channelId, message, 'send');
    return this.bus.broadcast({ channel: channelId, to: address, text: JSON.stringify(message) });
  }

  /**
   * A message on a lazy channel whose validators are not loaded yet (no connection of it has
   * opened here, so none is reached on this instance): starts the import and sends once it is
   * done, in call order. What would have thrown at the call (SW_OUTBOUND_INVALID, or
   * SW_VALIDATORS_UNAVAILABLE) is reported instead.
   */
  private defer(channelId: string, send: () => void): boolean {
    if (this.outbound.ready(channelId)) return false;
    this.outbound
      .whenReady(channelId)
      .then(send)
      .catch((e: unknown) => this.report(e as Error));
    return true;
  }

  deliverWs(message: BusWsMessage): number {
    let target: number | undefined;
    if (message.to !== undefined) {
      const slash = message.to.lastIndexOf('/');
      if (message.to.slice(0, slash) !== this.bus.instance) return 0;
      target = Number(message.to.slice(slash + 1));
    }
    let frame: Buffer | undefined;
    let delivered = 0;
    for (const session of this.sessions) {
      if (session.channel !== message.channel || !session.isOpen || !sameParams(session.params, message.params)) continue;
      if (target !== undefined && session.id !== target) continue;
      session.sendFrame((frame ??= textFrame(message.text)));
      delivered++;
    }
    return delivered;
  }

  /**
   * Validates, then publishes an SSE event on a stream (kept for Last-Event-ID replay) to its
   * readers on every instance of the bus. Returns the readers on this instance.
   */
  publish(channelId: string, event: string, data: unknown, params: ParamFilter = {}): number {
    if (this.defer(channelId, () => this.publish(channelId, event, data, params))) return 0;
    this.outbound.event(channelId, event, data, 'publish');
    const stream = this.stream(channelId, params);
    this.bus.publish(stream.key, stream.capacity, event, JSON.stringify(data));
    return stream.peers.size;
  }

  deliverSse(event: BusSseEvent): void {
    const stream = this.streams.get(event.stream);
    if (!stream) return;
    let encoded: Buffer | undefined;
    for (const peer of stream.peers) {
      if (peer.held) {
        peer.held.push(event);
        continue;
      }
      if (peer.fresh) {
        if (peer.cursor !== undefined && !this.bus.after(event.id, peer.cursor)) continue;
        peer.fresh = false;
      }
      peer.writeEncoded((encoded ??= Buffer.from(encodeSse({ id: event.id, event: event.event, data: event.data }))));
      peer.cursor = event.id;
    }
  }

  /** The open WebSocket sessions of a channel on this instance. */
  wsPeers(channelId: string): WsSession[] {
    return [...this.sessions].filter((s) => s.channel === channelId && s.isOpen);
  }

  /** The readers of every stream of a channel on this instance. */
  ssePeers(channelId: string): StreamReader[] {
    return [...this.streams.values()].filter((s) => s.key.startsWith(channelId + '\0')).flatMap((s) => [...s.peers]);
  }

  /** The stream of a channel for one set of parameter values, made on first use. */
  stream(channelId: string, params: ParamFilter): SseStream {
    const key = channelId + '\0' + JSON.stringify(Object.entries(definedParams(params)).sort());
    let stream = this.streams.get(key);
    if (!stream) {
      const capacity = this.api.channels[channelId]?.sse?.resume?.bufferSize ?? 0;
      this.streams.set(key, (stream = { key, capacity, peers: new Set() }));
    }
    return stream;
  }

  /**
   * Adds a reader, first replaying what it missed after `lastEventId`. Live events that arrive
   * while the replay is fetched (another instance may publish meanwhile) are held and sent after
   * it, minus those the replay already had. Returns whether the reader was resumed.
   */
  async join(stream: SseStream, reader: StreamReader, lastEventId: string | undefined): Promise<boolean> {
    reader.held = [];
    stream.peers.add(reader);
    let joined;
    try {
      const pending = this.bus.join(stream.key, stream.capacity, lastEventId);
      joined = pending instanceof Promise ? await pending : pending;
    } catch (e) {
      this.report(e as Error);
      joined = {};
    }
    const held = reader.held;
    reader.held = undefined;
    reader.cursor = joined.replay ? lastEventId : joined.cursor;
    for (const e of joined.replay ?? []) {
      reader.write(e.id, e.event, e.data, true);
      reader.cursor = e.id;
    }
    for (const e of held) {
      if (reader.cursor !== undefined && !this.bus.after(e.id, reader.cursor)) continue;
      reader.write(e.id, e.event, e.data, true);
      reader.cursor = e.id;
    }
    reader.fresh = true;
    return joined.replay !== undefined;
  }

  leave(stream: SseStream, reader: StreamReader): void {
    stream.peers.delete(reader);
    if (stream.peers.size === 0) this.bus.leave(stream.key);
  }

  /** The id of an event sent to one reader only (see Bus.sideId). */
  sideId(stream: SseStream, reader: StreamReader): string | undefined {
    return this.bus.sideId(stream.key, reader.cursor);
  }

  /** Every SSE reader of this instance, for shutdown. */
  readers(): StreamReader[] {
    return [...this.streams.values()].flatMap((s) => [...s.peers]);
  }
}

/** The parameters a filter gives a value (undefined means "any", and never travels on the bus). */
function definedParams(params: ParamFilter): Record<string, string> {
  return Object.fromEntries(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
}

function sameParams(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>> | undefined): boolean {
  if (!b) return true;
  return Object.entries(b).every(([k, v]) => a[k] === v);
}
