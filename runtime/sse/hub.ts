import { randomBytes } from 'node:crypto';

export interface StoredEvent {
  id: string;
  seq: number;
  event: string;
  data: string;
}

/**
 * The event history of one SSE stream, for `Last-Event-ID` resumption. Ids are
 * `<boot>-<seq>`: a client resuming with an id from another server run (or an unknown id) is
 * told so, rather than silently given a partial replay.
 */
export class SseHistory {
  private readonly boot = randomBytes(4).toString('hex');
  private seq = 0;
  private readonly events: StoredEvent[] = [];
  /** Seq of the newest event evicted from the buffer: a client behind it has lost events. */
  private evictedUpTo = 0;

  constructor(private readonly capacity: number) {}

  /** Assigns the next id; stores the event for replay unless `store` is false (per-connection events). */
  next(event: string, data: string, store = true): StoredEvent {
    const seq = ++this.seq;
    const stored = { id: `${this.boot}-${seq}`, seq, event, data };
    if (store && this.capacity > 0) {
      this.events.push(stored);
      if (this.events.length > this.capacity) this.evictedUpTo = this.events.shift()!.seq;
    } else if (store) {
      // No buffer: the event is gone at once, and a client behind it cannot resume.
      this.evictedUpTo = seq;
    }
    return stored;
  }

  /**
   * The events after `lastEventId`, or `undefined` when the id cannot be resumed from (another
   * run, malformed, or older than the buffer): the caller then starts the client afresh.
   */
  after(lastEventId: string): StoredEvent[] | undefined {
    const m = /^([0-9a-f]{8})-(\d{1,15})$/.exec(lastEventId);
    if (!m || m[1] !== this.boot) return undefined;
    const seq = Number(m[2]);
    if (seq > this.seq || seq < this.evictedUpTo) return undefined;
    return this.events.filter((e) => e.seq > seq);
  }
}
