import { Random } from '../runtime/seeded/index.ts';

/** The faults `serve <spec>` injects into the messages it streams, from its flags. */
export interface FaultOptions {
  /** Delay before each message, in ms: fixed (`min === max`) or uniform in the range. Order is kept. */
  delayMs?: { min: number; max: number };
  /** Probability that a message is never sent. */
  drop?: number;
  /** Probability that a message is sent twice in a row. */
  duplicate?: number;
  /** Probability that a message is held back and sent right after the next one. */
  reorder?: number;
  /** Cut the connection (no close frame) after this many frames sent, or this long after it opened. */
  disconnectAfter?: { frames: number } | { ms: number };
}

export interface FaultDecision {
  drop: boolean;
  duplicate: boolean;
  reorder: boolean;
  delayMs: number;
}

export interface FaultStats {
  offered: number;
  dropped: number;
  duplicated: number;
  reordered: number;
  sent: number;
}

/**
 * The per-message decisions, from a seeded generator. Every message draws the same four numbers
 * whatever faults are on, so turning one fault on does not reshuffle the others' choices.
 */
export class FaultPlan {
  private readonly random: Random;
  constructor(
    private readonly options: FaultOptions,
    seed: number,
  ) {
    this.random = new Random(seed);
  }

  next(): FaultDecision {
    const [a, b, c, d] = [this.random.next(), this.random.next(), this.random.next(), this.random.next()];
    const delay = this.options.delayMs;
    return {
      drop: a < (this.options.drop ?? 0),
      duplicate: b < (this.options.duplicate ?? 0),
      reorder: c < (this.options.reorder ?? 0),
      delayMs: delay ? delay.min + Math.floor(d * (delay.max - delay.min + 1)) : 0,
    };
  }
}

/**
 * What a faulty link does with each message, without timing: which messages leave now and in
 * which order. Pure, so tests can predict exactly what a seeded connection delivers.
 */
export class FaultPipeline<T> {
  private held: T | undefined;
  private hasHeld = false;
  readonly stats: FaultStats = { offered: 0, dropped: 0, duplicated: 0, reordered: 0, sent: 0 };

  constructor(private readonly plan: FaultPlan) {}

  /** The messages to send now, in order, and the delay the link adds to them. */
  push(message: T): { out: T[]; delayMs: number } {
    const d = this.plan.next();
    this.stats.offered++;
    if (d.drop) {
      this.stats.dropped++;
      return { out: [], delayMs: d.delayMs };
    }
    let out = d.duplicate ? [message, message] : [message];
    if (d.duplicate) this.stats.duplicated++;
    if (this.hasHeld) {
      out = [...out, this.held as T];
      this.hasHeld = false;
      this.held = undefined;
    } else if (d.reorder) {
      this.stats.reordered++;
      this.held = message;
      this.hasHeld = true;
      out = out.slice(1);
    }
    this.stats.sent += out.length;
    return { out, delayMs: d.delayMs };
  }

  /** A message still held back for reordering, sent when the stream ends. */
  flush(): T[] {
    if (!this.hasHeld) return [];
    const out = [this.held as T];
    this.hasHeld = false;
    this.held = undefined;
    this.stats.sent++;
    return out;
  }
}

/** What the messages of a seeded connection become on the way out (for tests and `--dry-run`-like tools). */
export function applyFaults<T>(messages: readonly T[], options: FaultOptions, seed: number): T[] {
  const pipeline = new FaultPipeline<T>(new FaultPlan(options, seed));
  return [...messages.flatMap((m) => pipeline.push(m).out), ...pipeline.flush()];
}

/**
 * A faulty link in front of one connection: applies the pipeline, delays (keeping order), and
 * cuts the connection after N frames or M ms. Timers are unref'd and cleared by `stop()`.
 */
export class FaultyLink<T> {
  private readonly pipeline: FaultPipeline<T>;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** When the last delayed message leaves: later ones never overtake it. */
  private lastDue = 0;
  private framesSent = 0;
  private stopped = false;

  constructor(
    private readonly options: FaultOptions,
    seed: number,
    private readonly deliver: (message: T) => void,
    private readonly disconnect: () => void,
    private readonly now: () => number = Date.now,
  ) {
    this.pipeline = new FaultPipeline(new FaultPlan(options, seed));
    const after = options.disconnectAfter;
    if (after && 'ms' in after) this.later(after.ms, () => this.cut());
  }

  get stats(): FaultStats {
    return this.pipeline.stats;
  }

  push(message: T): void {
    if (this.stopped) return;
    const { out, delayMs } = this.pipeline.push(message);
    this.emit(out, delayMs);
  }

  /** The stream ended: send what is held back. */
  finish(): void {
    if (!this.stopped) this.emit(this.pipeline.flush(), 0);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private emit(out: T[], delayMs: number) {
    if (out.length === 0) return;
    const now = this.now();
    if (delayMs <= 0 && this.lastDue <= now) {
      for (const m of out) this.send(m);
      return;
    }
    const due = Math.max(now + delayMs, this.lastDue);
    this.lastDue = due;
    this.later(due - now, () => {
      for (const m of out) this.send(m);
    });
  }

  private send(message: T) {
    if (this.stopped) return;
    this.deliver(message);
    this.framesSent++;
    const after = this.options.disconnectAfter;
    if (after && 'frames' in after && this.framesSent >= after.frames) this.cut();
  }

  private cut() {
    if (this.stopped) return;
    this.stop();
    this.disconnect();
  }

  private later(ms: number, fn: () => void) {
    const t = setTimeout(
      () => {
        this.timers.delete(t);
        fn();
      },
      Math.max(0, ms),
    );
    t.unref();
    this.timers.add(t);
  }
}
