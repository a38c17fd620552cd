/**
 * Runs planned executions: gives each a fresh execution_id, emits execution_started at once and
 * the rest of its events on (scaled, unref'd) timers. An execution keeps running when the
 * connection that invoked it closes; its events are then dropped (the sink decides). `stop()`
 * clears every timer.
 */
import type { WorkflowServerMessage } from '../../generated/agnt5/models.gen.ts';
import type { Clock, Random } from '../../runtime/seeded/index.ts';
import { eventMessage } from './frames.ts';
import type { PlannedEvent } from './plan.ts';

export type Sink = (message: WorkflowServerMessage) => void;

interface Running {
  /** Who started it (the API key's label), for per-key shares. */
  owner: string;
  events: readonly PlannedEvent[];
  next: number;
  timer: NodeJS.Timeout | undefined;
  sink: Sink;
}

export class ExecutionRunner {
  private readonly running = new Map<string, Running>();
  private stopped = false;
  private started = 0;
  private readonly byOwner = new Map<string, number>();

  constructor(
    private readonly deps: {
      random: Random;
      clock: Clock;
      timeScale: number;
      /** Told about a sink that threw; the execution goes on. */
      onError(error: Error): void;
    },
  ) {}

  /** Executions whose terminal event is not sent yet. */
  get size(): number {
    return this.running.size;
  }

  /** Executions of one owner whose terminal event is not sent yet. */
  sizeOf(owner: string): number {
    return this.byOwner.get(owner) ?? 0;
  }

  /** Executions started since the server began. */
  get total(): number {
    return this.started;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** A new execution id: `exec_` and 12 characters of the seeded randomness, never reused. */
  newId(): string {
    for (;;) {
      const id = `exec_${this.deps.random.token(12)}`;
      if (!this.running.has(id)) return id;
    }
  }

  /**
   * Emits the first event now and schedules the others. If the first event cannot be sent (the
   * sink throws), nothing is started and the error is thrown to the caller, which answers the
   * invocation with an error instead.
   */
  start(id: string, events: readonly PlannedEvent[], sink: Sink, owner = ''): void {
    const first = events[0];
    if (this.stopped || !first) return;
    sink(eventMessage(first, id, this.deps.clock));
    const run: Running = { owner, events, next: 1, timer: undefined, sink };
    this.running.set(id, run);
    this.byOwner.set(owner, this.sizeOf(owner) + 1);
    this.started++;
    this.schedule(id, run);
  }

  /** Clears every timer; running executions stop where they are. */
  stop(): void {
    this.stopped = true;
    for (const run of this.running.values()) if (run.timer) clearTimeout(run.timer);
    this.running.clear();
    this.byOwner.clear();
  }

  /** Sends every event that is due (delay 0 after the previous), then waits for the next. */
  private emit(id: string, run: Running): void {
    run.timer = undefined;
    do {
      const event = run.events[run.next++]!;
      try {
        run.sink(eventMessage(event, id, this.deps.clock));
      } catch (e) {
        this.deps.onError(e as Error);
      }
    } while (run.next < run.events.length && run.events[run.next]!.delayMs <= 0);
    this.schedule(id, run);
  }

  private schedule(id: string, run: Running): void {
    if (run.next >= run.events.length) {
      this.running.delete(id);
      const left = this.sizeOf(run.owner) - 1;
      if (left > 0) this.byOwner.set(run.owner, left);
      else this.byOwner.delete(run.owner);
      return;
    }
    const delay = Math.max(1, run.events[run.next]!.delayMs * this.deps.timeScale);
    run.timer = setTimeout(() => {
      if (!this.stopped && this.running.get(id) === run) this.emit(id, run);
    }, delay);
    run.timer.unref();
  }
}
