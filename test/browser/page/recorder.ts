import { emptyReport, type ConnectionReport, type PageConfig, type PageResults, type SurfacedError } from './protocol.ts';

/**
 * Collects what one connection sees and lets a scenario wait for a condition on it, bounded by
 * the scenario's deadline: a scenario that times out still reports what it got, so the test
 * fails on a precise assertion rather than on a generic timeout.
 */
export class Recorder {
  readonly report: ConnectionReport;
  private readonly waiters = new Set<() => void>();

  constructor(via: string) {
    this.report = emptyReport(via);
  }

  event(tag: string, data: unknown): void {
    this.report.events.push({ tag, data: clone(data) });
    this.poke();
  }

  state(state: string, code?: number, reason?: string): void {
    this.report.states.push({ state, ...(code !== undefined ? { code } : {}), ...(reason !== undefined ? { reason } : {}) });
    this.poke();
  }

  error(e: unknown): void {
    this.report.errors.push(describeError(e));
    this.poke();
  }

  sent(tag: string): void {
    this.report.sent.push(tag);
  }

  note(key: string, value: string | number | boolean | null): void {
    this.report.notes[key] = value;
  }

  tags(): string[] {
    return this.report.events.map((e) => e.tag);
  }

  has(tag: string): boolean {
    return this.report.events.some((e) => e.tag === tag);
  }

  /** Resolves when `check` holds, or at `deadline` (ms since the epoch) with timedOut set. */
  waitFor(check: () => boolean, deadline: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.waiters.delete(test);
        clearTimeout(timer);
        resolve();
      };
      const test = () => {
        if (check()) done();
      };
      const timer = setTimeout(
        () => {
          this.report.timedOut = true;
          done();
        },
        Math.max(0, deadline - Date.now()),
      );
      this.waiters.add(test);
      test();
    });
  }

  /** Waits `ms` (for "nothing more happens" checks), or less if the deadline is nearer. */
  quiet(ms: number, deadline: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(ms, deadline - Date.now()))));
  }

  private poke() {
    for (const waiter of [...this.waiters]) waiter();
  }
}

export function describeError(e: unknown): SurfacedError {
  if (e instanceof Error) {
    const extra = e as Error & { code?: unknown; status?: unknown };
    return {
      name: e.name || e.constructor.name,
      message: e.message,
      ...(typeof extra.code === 'string' ? { code: extra.code } : {}),
      ...(typeof extra.status === 'number' ? { status: extra.status } : {}),
    };
  }
  if (typeof Event !== 'undefined' && e instanceof Event)
    return { name: `Event:${e.type}`, message: `${e.type} event on ${(e.target as { url?: string } | null)?.url ?? 'a connection'}` };
  return { name: typeof e, message: String(e) };
}

/** Messages cross page.evaluate as JSON; anything that cannot is reported as such, not thrown. */
function clone(data: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(data ?? null)) as unknown;
  } catch {
    return '[not JSON-serialisable]';
  }
}

/** One API's scenario: its connections' reports, by the deadline shared by every API. */
export type ApiScenario = (config: PageConfig, deadline: number) => Promise<Record<string, ConnectionReport>>;

/** Runs every API's scenario at once under one deadline; the results by API name. */
export async function runApis(config: PageConfig, scenarios: Readonly<Record<string, ApiScenario>>): Promise<PageResults> {
  const deadline = Date.now() + config.deadlineMs;
  const results = await Promise.all(Object.entries(scenarios).map(async ([api, run]) => [api, await run(config, deadline)] as const));
  return Object.fromEntries(results);
}
