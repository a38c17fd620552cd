import { memoryBus } from '../bus/memory.ts';
import type { Bus, BusNode, BusSseEvent, BusWsMessage } from '../bus/types.ts';
import { encodeSse } from '../sse/encode.ts';
import { textFrame } from '../ws/frame.ts';
import type { WsSession } from './ws-session.ts';

/** A reader of an SSE stream, as the fan-out sees it. */
export interface StreamReader {
  /** The id of the last stream event this reader got (per-connection events repeat it). */
  cursor: string | undefined;
  /** Set while the reader's replay is being fetched: live events wait here. */
  held: BusSseEvent[] | undefined;
  /**
   * Set once joined, until a live event past the cursor arrives: on a bus whose live path and
   * lookups are separate connections, events the replay had may still come in live.
   */
  fresh: boolean;
  writeEncoded(encoded: string): void;
  write(id: string, event: string, data: string, burst?: boolean): void;
}

/** One SSE stream (a channel and its address parameters) on this instance. */
export interface SseStream {
  readonly key: string;
  readonly capacity: number;
  readonly peers: Set<StreamReader>;
}

/**
 * Where a runtime server meets its bus: everything that fans out (broadcast, publish, targeted
 * sends), SSE readers and their resumption, and connection counts across instances. The server
 * keeps the sockets; this keeps who gets what.
 */
export class Fanout implements BusNode {
  readonly bus: Bus;
  private readonly streams = new Map<string, SseStream>();

  constructor(
    readonly namespace: string,
    bus: Bus | undefined,
    private readonly sessions: () => Iterable<WsSession>,
    readonly report: (error: Error) => void,
  ) {
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

  broadcast(message: BusWsMessage): number {
    return this.bus.broadcast(message);
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
    for (const session of this.sessions()) {
      if (session.channel !== message.channel || !session.isOpen || !sameParams(session.params, message.params)) continue;
      if (target !== undefined && session.id !== target) continue;
      session.sendFrame((frame ??= textFrame(message.text)));
      delivered++;
    }
    return delivered;
  }

  stream(channelId: string, params: Readonly<Record<string, string>>, capacity: number): SseStream {
    const key = channelId + '\0' + JSON.stringify(Object.entries(params).sort());
    let stream = this.streams.get(key);
    if (!stream) this.streams.set(key, (stream = { key, capacity, peers: new Set() }));
    return stream;
  }

  /** Streams of a channel on this instance. */
  channelStreams(channelId: string): SseStream[] {
    return [...this.streams.values()].filter((s) => s.key.startsWith(channelId + '\0'));
  }

  /** Returns this instance's readers of the stream (the bus delivers to the others' too). */
  publish(stream: SseStream, event: string, data: string): number {
    this.bus.publish(stream.key, stream.capacity, event, data);
    return stream.peers.size;
  }

  deliverSse(event: BusSseEvent): void {
    const stream = this.streams.get(event.stream);
    if (!stream) return;
    let encoded: string | undefined;
    for (const peer of stream.peers) {
      if (peer.held) {
        peer.held.push(event);
        continue;
      }
      if (peer.fresh) {
        if (peer.cursor !== undefined && !this.bus.after(event.id, peer.cursor)) continue;
        peer.fresh = false;
      }
      peer.writeEncoded((encoded ??= encodeSse({ id: event.id, event: event.event, data: event.data })));
      peer.cursor = event.id;
    }
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

  sideId(stream: SseStream, reader: StreamReader): string | undefined {
    return this.bus.sideId(stream.key, reader.cursor);
  }

  readers(): Iterable<StreamReader> {
    return [...this.streams.values()].flatMap((s) => [...s.peers]);
  }
}

function sameParams(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>> | undefined): boolean {
  if (!b) return true;
  return Object.entries(b).every(([k, v]) => a[k] === v);
}
