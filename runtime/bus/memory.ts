import { SseHistory } from '../sse/hub.ts';
import type { Bus, BusNode, BusWsMessage, StreamJoin } from './types.ts';

/**
 * The bus of one process: delivery is a synchronous call, ids come from an in-memory history per
 * stream (`<boot>-<seq>`), connection counts are this process's.
 */
export function memoryBus(): Bus {
  return new MemoryBus();
}

class MemoryBus implements Bus {
  readonly instance = 'local';
  private node: BusNode | undefined;
  private readonly histories = new Map<string, SseHistory>();
  private readonly counts = new Map<string, number>();

  async start(node: BusNode): Promise<void> {
    this.node = node;
  }

  broadcast(message: BusWsMessage): number {
    return this.node?.deliverWs(message) ?? 0;
  }

  publish(stream: string, capacity: number, event: string, data: string): void {
    const stored = this.history(stream, capacity).next(event, data);
    this.node?.deliverSse({ stream, id: stored.id, event, data: stored.data });
  }

  join(stream: string, capacity: number, lastEventId: string | undefined): StreamJoin {
    const history = this.history(stream, capacity);
    if (lastEventId === undefined) return {};
    const replay = history.after(lastEventId);
    return replay ? { replay: replay.map((e) => ({ stream, id: e.id, event: e.event, data: e.data })) } : {};
  }

  leave(): void {
    // The history outlives its readers: a client that reconnects later still resumes.
  }

  sideId(stream: string): string {
    return this.history(stream, 0).next('', '', false).id;
  }

  after(a: string, b: string): boolean {
    return Number(a.slice(a.indexOf('-') + 1)) > Number(b.slice(b.indexOf('-') + 1));
  }

  count(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  acquire(key: string, limit: number): boolean {
    const n = this.counts.get(key) ?? 0;
    if (n >= limit) return false;
    this.counts.set(key, n + 1);
    return true;
  }

  release(key: string): void {
    const n = (this.counts.get(key) ?? 1) - 1;
    if (n <= 0) this.counts.delete(key);
    else this.counts.set(key, n);
  }

  async stop(): Promise<void> {
    this.node = undefined;
  }

  private history(stream: string, capacity: number): SseHistory {
    let history = this.histories.get(stream);
    if (!history) this.histories.set(stream, (history = new SseHistory(capacity)));
    return history;
  }
}
