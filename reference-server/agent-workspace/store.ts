import type { AgentLog, PipelineSnapshot, SlimIntervention, SlimJob } from '../../generated/agent-workspace/models.gen.ts';

/** The statuses a run may be streamed with (the contract's enum). */
export type ActiveStatus = PipelineSnapshot['status'];
/** Where a run ends; such runs leave the stream. */
export type FinalStatus = 'completed' | 'failed' | 'cancelled';
export type RunStatus = ActiveStatus | FinalStatus;

/** The stages a run goes through after `queued`, in order; `awaiting_approval` is a human gate without an agent job. */
export const STAGES = [
  'researching',
  'architecting',
  'designing',
  'implementing',
  'testing',
  'awaiting_approval',
  'releasing',
  'marketing',
  'documenting',
  'syncing_branches',
] as const satisfies readonly ActiveStatus[];
export type Stage = (typeof STAGES)[number];

/** The statuses a run is streamed with: the contract's known values of `PipelineSnapshot.status`. */
export const ACTIVE_STATUSES: readonly ActiveStatus[] = ['queued', ...STAGES];

export function isActive(status: RunStatus): status is ActiveStatus {
  return (ACTIVE_STATUSES as readonly string[]).includes(status);
}

/** One pipeline run as the store keeps it: every status, every intervention (pending or resolved). */
export interface RunRecord {
  id: string;
  projectId: string;
  projectName: string;
  status: RunStatus;
  startedAt: string | null;
  trigger: string;
  triggerData: unknown;
  jobs: SlimJob[];
  interventions: SlimIntervention[];
  /** Creation order; newest runs come first in a load. */
  order: number;
}

/**
 * A log line as this server writes it: every field the contract documents for AgentLog. (The
 * contract requires none of them, since the seed never defines the type; this server sends all.)
 */
export type LogEntry = Required<Pick<AgentLog, 'id' | 'pipelineRunId' | 'jobId' | 'agentType' | 'level' | 'message' | 'createdAt'>>;

/** A log line with its position in the store (strictly increasing, like createdAt). */
export interface StoredLog {
  seq: number;
  entry: LogEntry;
}

/** Thrown by loads while the store is made to fail. */
export class StoreUnavailableError extends Error {
  constructor() {
    super('the fleet store is unavailable');
    this.name = 'StoreUnavailableError';
  }
}

/**
 * The fleet's "database": pipeline runs, their jobs and interventions, and agent log lines.
 * Loads return copies shaped as the contract's PipelineSnapshot / AgentLog; they throw while the
 * store is failing (to exercise the contract's `error` event).
 */
export class FleetStore {
  private readonly runs = new Map<string, RunRecord>();
  private logs: StoredLog[] = [];
  private logSeq = 0;
  private lastLogTime = 0;
  private runOrder = 0;
  /** Made to fail by the reference server's options or its control handle. */
  failing = false;

  /** Kept log lines of runs that have ended are dropped; at most this many lines are kept. */
  constructor(private readonly maxLogs = 20_000) {}

  addRun(run: Omit<RunRecord, 'order'>): RunRecord {
    const record = { ...run, order: ++this.runOrder };
    this.runs.set(record.id, record);
    return record;
  }

  run(id: string): RunRecord | undefined {
    return this.runs.get(id);
  }

  allRuns(): RunRecord[] {
    return [...this.runs.values()];
  }

  /** Removes an ended run and its log lines (housekeeping). */
  forget(id: string): void {
    this.runs.delete(id);
    this.logs = this.logs.filter((l) => l.entry.pipelineRunId !== id);
  }

  /**
   * Appends a log line; its createdAt is `at` or, if that is not after the previous line, one
   * millisecond after it, so that store order and chronological order are the same.
   */
  appendLog(entry: Omit<LogEntry, 'createdAt'>, at: number): StoredLog {
    const time = Math.max(at, this.lastLogTime + 1);
    this.lastLogTime = time;
    const stored = { seq: ++this.logSeq, entry: { ...entry, createdAt: new Date(time).toISOString() } };
    this.logs.push(stored);
    if (this.logs.length > this.maxLogs) this.logs.splice(0, this.logs.length - this.maxLogs);
    return stored;
  }

  /** The active runs, newest first, at most `limit`; throws while failing. */
  loadActiveRuns(limit: number): PipelineSnapshot[] {
    this.check();
    return this.activeRecords().slice(0, limit).map(toSnapshot);
  }

  /** Ids of the active runs, newest first (introspection: never fails). */
  activeRunIds(): string[] {
    return this.activeRecords().map((r) => r.id);
  }

  /** Up to `limit` lines of a run after position `afterSeq`, oldest first; throws while failing. */
  loadLogsAfter(runId: string, afterSeq: number, limit: number): StoredLog[] {
    this.check();
    const out: StoredLog[] = [];
    for (const log of this.logs) {
      if (log.seq <= afterSeq || log.entry.pipelineRunId !== runId) continue;
      out.push(log);
      if (out.length >= limit) break;
    }
    return out;
  }

  /** The most recent `limit` lines accepted by `include`, oldest first; throws while failing. */
  loadRecentLogs(limit: number, include: (log: StoredLog) => boolean): StoredLog[] {
    this.check();
    const out: StoredLog[] = [];
    for (let i = this.logs.length - 1; i >= 0 && out.length < limit; i--) {
      const log = this.logs[i]!;
      if (include(log)) out.push(log);
    }
    return out.reverse();
  }

  /** Position of a run's newest line (0 when it has none). */
  latestLogSeq(runId: string): number {
    for (let i = this.logs.length - 1; i >= 0; i--) if (this.logs[i]!.entry.pipelineRunId === runId) return this.logs[i]!.seq;
    return 0;
  }

  private activeRecords(): RunRecord[] {
    return [...this.runs.values()].filter((r) => isActive(r.status)).sort((a, b) => b.order - a.order);
  }

  private check() {
    if (this.failing) throw new StoreUnavailableError();
  }
}

/** A run as the contract's PipelineSnapshot: a deep copy, only pending interventions. */
export function toSnapshot(run: RunRecord): PipelineSnapshot {
  if (!isActive(run.status)) throw new Error(`run ${run.id} is not active`);
  return {
    id: run.id,
    projectId: run.projectId,
    projectName: run.projectName,
    status: run.status,
    startedAt: run.startedAt,
    trigger: run.trigger,
    triggerData: structuredClone(run.triggerData),
    jobs: run.jobs.map((j) => ({ ...j })),
    pendingInterventions: run.interventions.filter((i) => i.status === 'pending').map((i) => ({ ...i })),
  };
}
