/**
 * What the test hands the page and what the page reports back. Plain JSON both ways: it crosses
 * the DevTools protocol through page.evaluate.
 */

export interface PageConfig {
  /**
   * `native`: the browser's own WebSocket / EventSource / fetch (the harness's baseline);
   * `generated`: the generated clients; `generated-refused-session`: agent-workspace only, for a
   * browser whose session cookie is gone.
   */
  mode: 'native' | 'generated' | 'generated-refused-session';
  /** Each scenario gives up (and reports what it has) after this long. */
  deadlineMs: number;
  /** The servers' timeScale, given to the clients too (backoff, heartbeat silence). */
  timeScale: number;
  /** How long to watch a refused connection for a retry that must not come. */
  quietMs: number;
  /** The page's own origin: the same-origin proxy to release-orchestrator and agent-workspace. */
  pageOrigin: string;
  steadybase: { origin: string; token: string };
  releaseOrchestrator: { origin: string; token: string; runId: string };
  agnt5: { origin: string; apiKey: string; endpoint: string; workflow: string };
  agentWorkspace: { origin: string };
}

/** One typed message, as the client handed it to the page. */
export interface ReceivedEvent {
  tag: string;
  data: unknown;
}

/** A connection-state change (open, reconnecting, closed). */
export interface StateChange {
  state: string;
  code?: number;
  reason?: string;
}

/** A typed error the client surfaced. */
export interface SurfacedError {
  /** The error class / `name`. */
  name: string;
  /** The stable code (`SW_…`) or the contract's error code. */
  code?: string;
  status?: number;
  message: string;
}

/** Everything one connection of the page saw. */
export interface ConnectionReport {
  /** How the page connected (`websocket ?access_token`, `fetch-stream SSE + bearer`, …). */
  via: string;
  events: ReceivedEvent[];
  states: StateChange[];
  errors: SurfacedError[];
  /** Frames the page sent, by tag. */
  sent: string[];
  /** The scenario's deadline passed before it had what it waited for. */
  timedOut: boolean;
  /** Anything the scenario itself wants to say (a subprotocol echoed, …). */
  notes: Record<string, string | number | boolean | null>;
}

export type PageResults = Record<string, Record<string, ConnectionReport>>;

export interface PageApi {
  run(config: PageConfig): Promise<PageResults>;
}

declare global {
  interface Window {
    __streamwright?: PageApi;
  }
}

export function emptyReport(via: string): ConnectionReport {
  return { via, events: [], states: [], errors: [], sent: [], timedOut: false, notes: {} };
}
