import type { PipelineSnapshot } from '../../generated/agent-workspace/models.gen.ts';
import { isActive, type FleetStore, type LogEntry } from './store.ts';

export interface PollLimits {
  /** Runs in a snapshot (and in the polled view). */
  snapshotMaxPipelines: number;
  /** Log lines in the fleet_logs that follows a snapshot. */
  snapshotLogLines: number;
  /** New log lines per run per poll. */
  logsPerPollPerPipeline: number;
}

export interface PollOutput {
  /** Runs whose fingerprint changed (or that are new); empty when none did. */
  updated: PipelineSnapshot[];
  /** New log lines of the polled runs, oldest first; empty when there are none. */
  logs: LogEntry[];
}

/**
 * The server side of the contract's poll: every interval it reloads the active runs, compares
 * each run's fingerprint with the one of the previous poll, and reads up to the per-run limit of
 * new log lines. What it has published so far is its *view*; a new connection's snapshot is
 * taken from the view, so the next poll's updates and lines are exactly what that client has
 * not seen (nothing lost, nothing repeated).
 */
export class FleetPoller {
  private view: PipelineSnapshot[] = [];
  private readonly fingerprints = new Map<string, string>();
  /** Per active run, the store position of the newest line already published. */
  private readonly cursors = new Map<string, number>();

  constructor(
    private readonly store: FleetStore,
    private readonly limits: PollLimits,
    private readonly fingerprint: (run: PipelineSnapshot) => string,
  ) {}

  /** Takes the state at start as already known: its lines are history, not news. */
  prime(): void {
    this.view = this.store.loadActiveRuns(this.limits.snapshotMaxPipelines);
    for (const run of this.view) {
      this.fingerprints.set(run.id, this.fingerprint(run));
      this.cursors.set(run.id, this.store.latestLogSeq(run.id));
    }
  }

  /** One poll; throws (changing nothing) while the store fails. */
  poll(): PollOutput {
    const runs = this.store.loadActiveRuns(this.limits.snapshotMaxPipelines);
    const batches = runs.map((run) => this.store.loadLogsAfter(run.id, this.cursors.get(run.id) ?? 0, this.limits.logsPerPollPerPipeline));
    // Every load succeeded: commit.
    const updated: PipelineSnapshot[] = [];
    const seen = new Set<string>();
    for (const run of runs) {
      seen.add(run.id);
      const print = this.fingerprint(run);
      if (this.fingerprints.get(run.id) !== print) updated.push(run);
      this.fingerprints.set(run.id, print);
    }
    for (const id of [...this.fingerprints.keys()]) if (!seen.has(id)) this.fingerprints.delete(id);
    const lines = batches.flat().sort((a, b) => a.seq - b.seq);
    for (const [i, run] of runs.entries()) {
      const batch = batches[i]!;
      if (batch.length > 0) this.cursors.set(run.id, batch.at(-1)!.seq);
    }
    // Runs that ended lose their cursor; a run that is only outside the window keeps it.
    for (const id of [...this.cursors.keys()]) {
      const record = this.store.run(id);
      if (!record || !isActive(record.status)) this.cursors.delete(id);
    }
    this.view = runs;
    return { updated, logs: lines.map((l) => l.entry) };
  }

  /** What a new connection gets: the view, and the most recent published lines of its runs. */
  snapshot(): { runs: PipelineSnapshot[]; logs: LogEntry[] } {
    const ids = new Set(this.view.map((r) => r.id));
    const logs = this.store.loadRecentLogs(this.limits.snapshotLogLines, (log) => {
      const id = log.entry.pipelineRunId;
      return ids.has(id) && log.seq <= (this.cursors.get(id) ?? 0);
    });
    return { runs: this.view.map((r) => structuredClone(r)), logs: logs.map((l) => l.entry) };
  }
}
