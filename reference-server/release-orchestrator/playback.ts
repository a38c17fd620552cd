/**
 * One resource's event stream (a workflow run or a deployment job) played from a plan: it starts
 * when the first client subscribes, keeps every event it has emitted, and gives each new
 * subscriber the events so far, in order, before the live ones, so every client of a resource
 * sees the same complete sequence (…started → progress/log → completed …, then the final message).
 */
import type { Timers } from './timers.ts';

/** One planned event: emitted `afterMs` (contract time) after the previous one. */
export interface PlanStep<M> {
  afterMs: number;
  build(): M;
}

export interface PlaybackListener<M> {
  event(message: M): void;
  /** The plan could not be played (a bug): the stream is over. */
  failed(error: Error): void;
}

export type PlaybackState = 'pending' | 'running' | 'finished' | 'failed';

export class Playback<M> {
  private stateValue: PlaybackState = 'pending';
  private readonly emitted: M[] = [];
  private readonly listeners = new Set<PlaybackListener<M>>();
  private failure: Error | undefined;
  /** When the next step is due (performance.now() time). */
  private dueAt = 0;

  constructor(
    readonly id: string,
    private readonly plan: readonly PlanStep<M>[],
    private readonly timers: Timers,
    private readonly onError: (error: Error) => void,
    /** Sees every emitted message (the server's own bookkeeping); not a subscriber, starts nothing. */
    private readonly observer?: (message: M) => void,
  ) {}

  get state(): PlaybackState {
    return this.stateValue;
  }

  get history(): readonly M[] {
    return this.emitted;
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  /** Replays what was emitted so far to `listener`, then adds it; starts the plan if pending. */
  subscribe(listener: PlaybackListener<M>): () => void {
    for (const message of this.emitted) this.deliver(listener, message);
    if (this.stateValue === 'failed') {
      listener.failed(this.failure ?? new Error('stream failed'));
      return () => undefined;
    }
    this.listeners.add(listener);
    if (this.stateValue === 'pending') this.start();
    return () => this.listeners.delete(listener);
  }

  private start() {
    this.stateValue = 'running';
    this.dueAt = performance.now();
    this.schedule(0);
  }

  /**
   * Each step is due at its offset from the start, not `afterMs` after the previous one fired: a
   * stalled process (a busy machine) catches up at once, as its other timers (heartbeats, the pong
   * deadline) do, instead of falling further behind with every step of a long plan.
   */
  private schedule(index: number) {
    for (let i = index; ; i++) {
      const step = this.plan[i];
      if (!step) {
        this.stateValue = 'finished';
        return;
      }
      this.dueAt += this.timers.wallMs(step.afterMs);
      const wait = this.dueAt - performance.now();
      if (wait >= 1 || !this.timers.running) {
        this.timers.afterWall(wait, () => {
          if (this.emit(step)) this.schedule(i + 1);
        });
        return;
      }
      if (!this.emit(step)) return;
    }
  }

  /** Builds and delivers one step's message; false when the plan failed. */
  private emit(step: PlanStep<M>): boolean {
    let message: M;
    try {
      message = step.build();
    } catch (e) {
      this.fail(e instanceof Error ? e : new Error(String(e)));
      return false;
    }
    this.emitted.push(message);
    if (this.observer) {
      try {
        this.observer(message);
      } catch (e) {
        this.onError(e as Error);
      }
    }
    for (const listener of [...this.listeners]) this.deliver(listener, message);
    return true;
  }

  private fail(error: Error) {
    this.stateValue = 'failed';
    this.failure = error;
    this.onError(error);
    for (const listener of [...this.listeners]) {
      try {
        listener.failed(error);
      } catch (e) {
        this.onError(e as Error);
      }
    }
    this.listeners.clear();
  }

  private deliver(listener: PlaybackListener<M>, message: M) {
    try {
      listener.event(message);
    } catch (e) {
      // One client failing (e.g. a message refused by outbound validation) must not stop the others.
      this.onError(e as Error);
    }
  }
}
