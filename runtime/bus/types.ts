/**
 * The message bus behind `broadcast`, `publish` and targeted sends. A runtime server hands every
 * outbound fan-out to its bus, already validated and serialised; the bus brings it to every
 * instance that shares it, and each instance delivers to its own connections. `memoryBus()` (the
 * default) is one process; `redisBus()` spans processes.
 */

/** A WebSocket message for the connections of one channel, serialised once at the publisher. */
export interface BusWsMessage {
  readonly channel: string;
  /** Only connections whose address parameters include these (all when absent). */
  readonly params?: Readonly<Record<string, string>>;
  /** The message's JSON text. */
  readonly text: string;
  /** One connection only: an address from `RuntimeServer.address(peer)`. */
  readonly to?: string;
}

/** An SSE event of one stream, with the id the bus gave it. */
export interface BusSseEvent {
  readonly stream: string;
  readonly id: string;
  readonly event: string;
  /** The event's JSON text. */
  readonly data: string;
}

/** What joining an SSE stream gives a new reader. */
export interface StreamJoin {
  /** Events after the reader's Last-Event-ID, oldest first; absent when it cannot be resumed from. */
  replay?: readonly BusSseEvent[];
  /** The id a per-connection event carries before the reader has seen one of the stream's. */
  cursor?: string;
}

/** The side of a runtime server that a bus delivers to. */
export interface BusNode {
  /** The API's name: instances of one API share a bus, those of another do not collide. */
  readonly namespace: string;
  /** Delivers to this instance's matching WebSocket connections; returns how many. */
  deliverWs(message: BusWsMessage): number;
  /** Delivers to this instance's readers of the event's stream. */
  deliverSse(event: BusSseEvent): void;
  /** A fault of the bus (code SW_BUS_UNAVAILABLE…); never throws. */
  report(error: Error): void;
}

export interface Bus {
  /** This instance's name on the bus; connection addresses start with it. */
  readonly instance: string;
  /** Joins the bus; a runtime server calls it once, before it listens. */
  start(node: BusNode): Promise<void>;
  /** Brings a message to every instance; returns the connections reached on this one. */
  broadcast(message: BusWsMessage): number;
  /** Gives an SSE event its id and brings it to every instance's readers of `stream`. */
  publish(stream: string, capacity: number, event: string, data: string): void;
  /** A reader joins `stream`, resuming after `lastEventId` when given. */
  join(stream: string, capacity: number, lastEventId: string | undefined): StreamJoin | Promise<StreamJoin>;
  /** The last reader of `stream` on this instance left. */
  leave(stream: string): void;
  /** The id of an event sent to one reader only: it must not move the reader past stream events. */
  sideId(stream: string, cursor: string | undefined): string | undefined;
  /** Whether id `a` comes after id `b` in the stream. */
  after(a: string, b: string): boolean;
  /** How many connections hold `key` on every instance. */
  count(key: string): number | Promise<number>;
  /** Takes one of `limit` slots of `key` across instances; false when all are taken. */
  acquire(key: string, limit: number): boolean | Promise<boolean>;
  release(key: string): void;
  /** Leaves the bus; a runtime server calls it on close. */
  stop(): Promise<void>;
}
