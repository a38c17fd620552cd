import type { SlimIntervention, SlimJob } from '../../generated/agent-workspace/models.gen.ts';
import type { Clock, Random } from '../../runtime/seeded/index.ts';
import { isActive, STAGES, type FinalStatus, type FleetStore, type LogEntry, type RunRecord, type Stage } from './store.ts';

const PROJECTS = [
  { id: 'proj_checkout', name: 'checkout-service' },
  { id: 'proj_search', name: 'search-indexer' },
  { id: 'proj_mobile', name: 'mobile-app' },
  { id: 'proj_billing', name: 'billing-api' },
  { id: 'proj_docs', name: 'docs-site' },
  { id: 'proj_infra', name: 'infra-terraform' },
] as const;

const USERS = ['usr_ada', 'usr_grace', 'usr_linus', 'usr_barbara'];
const INTERVENTION_TYPES = ['interrupt', 'inject', 'take_over', 'resume', 'note'] as const satisfies readonly SlimIntervention['type'][];
const INTERVENTION_TEXT = [
  'Use the existing PaymentIntent helper instead of a new client.',
  'Pause here, I want to review the schema change first.',
  'Skip the flaky e2e suite for now.',
  'Prefer small commits; one per file.',
  'Please add a migration for the new column.',
];
const LINES: Record<string, readonly string[]> = {
  researching: ['Reading issue description and linked discussions.', 'Found 4 related files in src/.', 'Summarised prior art in docs/adr/0007.md.'],
  architecting: [
    'Drafted module boundaries for the change.',
    'Chose to extend the existing service instead of a new one.',
    'Wrote design notes (2 alternatives).',
  ],
  designing: ['Sketched API shape for the new endpoint.', 'Updated component props in the design doc.', 'Checked accessibility of the new dialog.'],
  implementing: [
    'Applied patch to src/payments/intent.ts (3 hunks).',
    'Type check reported 1 error; retrying with a narrower change.',
    'Added unit tests for the new branch.',
    'Refactored helper into its own module.',
  ],
  testing: ['Running test suite (412 tests).', 'All tests passed in 38.2 s.', 'Retrying 1 flaky test.', 'Coverage 87.4% (+0.6).'],
  releasing: ['Tagged release candidate.', 'Changelog generated.', 'Waiting for CI on main.'],
  marketing: ['Drafted release announcement.', 'Prepared social post.'],
  documenting: ['Updated README usage section.', 'Regenerated API reference.'],
  syncing_branches: ['Rebased feature branch on main.', 'Pushed branch; no conflicts.'],
  orchestrator: ['Run moved to the next stage.', 'Scheduled next agent job.', 'Waiting for a human decision.'],
};
const LEVELS: readonly LogEntry['level'][] = ['debug', 'info', 'info', 'info', 'info', 'info', 'warn', 'warn', 'error'];

export interface SimulationOptions {
  random: Random;
  clock: Clock;
  /** The simulation starts new runs while fewer than this many are active. */
  targetActiveRuns: number;
  /** Log lines each initial run has written before the server started, [min, max]. */
  initialLogLines?: readonly [number, number];
}

/**
 * A fleet of pipeline runs that changes over time: runs are queued, start, move from stage to
 * stage (each stage an agent job), wait for humans, collect and resolve interventions, write log
 * lines, and complete, fail or get cancelled. All choices come from the seeded Random, all times
 * from the clock; the simulation advances only when `step()` is called.
 */
export class FleetSimulation {
  private counter = 0;
  private readonly ended = new Map<string, number>();
  private steps = 0;

  constructor(
    private readonly store: FleetStore,
    private readonly options: SimulationOptions,
  ) {}

  /** Fills the store with the fleet as it is when the server starts, with a log history. */
  seed(): void {
    const { random, clock } = this.options;
    const now = clock.now();
    const history: { at: number; entry: Omit<LogEntry, 'createdAt'> }[] = [];
    const [minLines, maxLines] = this.options.initialLogLines ?? [20, 60];
    for (let n = 0; n < this.options.targetActiveRuns; n++) {
      const queued = random.next() < 0.15;
      const stageIndex = queued ? -1 : random.int(0, STAGES.length - 1);
      const startedAt = queued ? null : now - (stageIndex + 1) * 360_000 - random.int(0, 300_000);
      const run = this.newRun(startedAt === null ? null : new Date(startedAt).toISOString());
      if (startedAt === null) continue;
      run.jobs = [];
      let t = startedAt;
      for (let s = 0; s <= stageIndex; s++) {
        const stage = STAGES[s]!;
        if (stage === 'awaiting_approval') continue;
        const current = s === stageIndex;
        const job = this.newJob(run, stage, current ? 'running' : 'completed', new Date(t).toISOString());
        const end = t + random.int(60_000, 300_000);
        if (!current) job.completedAt = new Date(Math.min(end, now - 1000)).toISOString();
        run.jobs.push(job);
        t = Math.min(end, now - 1000);
      }
      run.status = STAGES[stageIndex]!;
      const lines = random.int(minLines, maxLines);
      const from = startedAt;
      for (let i = 0; i < lines; i++) {
        const at = from + Math.floor(((now - 1000 - from) * (i + 1)) / (lines + 1));
        history.push({ at, entry: this.logEntry(run, this.jobAt(run, at)) });
      }
      if (random.next() < 0.3) run.interventions.push(this.newIntervention(run, new Date(now - random.int(1000, 60_000)).toISOString()));
    }
    history.sort((a, b) => a.at - b.at);
    for (const h of history) this.store.appendLog(h.entry, h.at);
  }

  /** One poll interval of the world (about 3 s): every active run may move on. */
  step(): void {
    const { random } = this.options;
    this.steps++;
    for (const run of this.store.allRuns()) {
      if (isActive(run.status)) this.advance(run);
    }
    const active = this.store.allRuns().filter((r) => isActive(r.status)).length;
    if (active < this.options.targetActiveRuns && random.next() < 0.35) this.startRun();
    // Housekeeping: ended runs are forgotten after a while.
    for (const [id, at] of this.ended) {
      if (this.steps - at > 20) {
        this.store.forget(id);
        this.ended.delete(id);
      }
    }
  }

  // ---- controls (used by step, and by tests through the reference server's handle) ----

  /** Queues a new run; returns its id. */
  startRun(): string {
    return this.newRun(null).id;
  }

  /** Ends a run (it leaves the stream). */
  finishRun(id: string, outcome: FinalStatus): void {
    const run = this.store.run(id);
    if (!run || !isActive(run.status)) return;
    const now = this.options.clock.iso();
    for (const job of run.jobs) {
      if (job.status === 'completed' || job.status === 'failed' || job.status === 'cancelled' || job.status === 'skipped') continue;
      job.status = outcome === 'completed' ? 'completed' : outcome === 'failed' ? 'failed' : 'cancelled';
      job.completedAt = now;
      if (outcome === 'failed') job.error = 'Agent exited with an unrecoverable error.';
    }
    for (const i of run.interventions) i.status = 'resolved';
    run.status = outcome;
    this.ended.set(id, this.steps);
  }

  /** Writes `count` log lines for a run at once (a chatty agent). */
  writeLogs(id: string, count: number): void {
    const run = this.store.run(id);
    if (!run) return;
    for (let i = 0; i < count; i++) this.log(run);
  }

  /**
   * Resolves one pending intervention and adds another in the same instant: the pending count,
   * hence the fingerprint, does not change (no fleet_update follows). False when the run has no
   * pending intervention.
   */
  swapIntervention(id: string): boolean {
    const run = this.store.run(id);
    const pending = run?.interventions.find((i) => i.status === 'pending');
    if (!run || !pending || !isActive(run.status)) return false;
    pending.status = 'resolved';
    run.interventions.push(this.newIntervention(run, this.options.clock.iso()));
    return true;
  }

  /** Adds a pending intervention (the fingerprint changes). */
  addIntervention(id: string): void {
    const run = this.store.run(id);
    if (run && isActive(run.status)) run.interventions.push(this.newIntervention(run, this.options.clock.iso()));
  }

  // ---- internals ----

  private advance(run: RunRecord) {
    const { random, clock } = this.options;
    const now = clock.iso();
    // Interventions come and go independently of the agents.
    if (random.next() < 0.03) run.interventions.push(this.newIntervention(run, now));
    for (const i of run.interventions) if (i.status === 'pending' && random.next() < 0.1) i.status = 'resolved';
    if (random.next() < 0.004) return this.finishRun(run.id, 'cancelled');

    if (run.status === 'queued') {
      const job = run.jobs[0];
      if (job && job.status === null) {
        if (random.next() < 0.4) job.status = 'queued';
        return;
      }
      if (random.next() < 0.3) {
        run.status = 'researching';
        run.startedAt = now;
        if (job) {
          job.status = 'running';
          job.startedAt = now;
        }
        this.log(run, 'orchestrator');
      }
      return;
    }
    if (run.status === 'awaiting_approval') {
      if (random.next() < 0.15) this.nextStage(run, now);
      else if (random.next() < 0.2) this.log(run, 'orchestrator');
      return;
    }
    const job = run.jobs.at(-1);
    if (!job) return this.nextStage(run, now);
    switch (job.status) {
      case null:
        if (random.next() < 0.4) job.status = 'queued';
        return;
      case 'queued':
        if (random.next() < 0.4) {
          job.status = 'running';
          job.startedAt = now;
        }
        return;
      case 'waiting':
        if (random.next() < 0.2) job.status = 'running';
        return;
      case 'running': {
        const lines = random.next() < 0.5 ? random.int(1, 3) : 0;
        for (let i = 0; i < lines; i++) this.log(run);
        const roll = random.next();
        if (roll < 0.008) {
          job.status = 'failed';
          job.completedAt = now;
          job.error = `${job.agentType} agent failed: exit code ${random.int(1, 137)}`;
          this.finishRun(run.id, 'failed');
        } else if (roll < 0.04) {
          job.status = 'waiting';
        } else if (roll < 0.12) {
          job.status = 'completed';
          job.completedAt = now;
          this.nextStage(run, now);
        }
        return;
      }
      default:
        return this.nextStage(run, now);
    }
  }

  private nextStage(run: RunRecord, now: string) {
    const index = STAGES.indexOf(run.status as Stage);
    const next = STAGES[index + 1];
    if (!next) return this.finishRun(run.id, 'completed');
    run.status = next;
    if (next !== 'awaiting_approval') run.jobs.push(this.newJob(run, next, this.options.random.next() < 0.5 ? null : 'queued', null));
    this.log(run, 'orchestrator');
  }

  private newRun(startedAt: string | null): RunRecord {
    const { random } = this.options;
    const project = random.pick(PROJECTS);
    const id = `run_${this.nextId()}`;
    const trigger = random.pick(['manual', 'issue', 'schedule', 'webhook']);
    const triggerData =
      trigger === 'manual'
        ? { requestedBy: random.pick(USERS), issue: `CHK-${random.int(100, 999)}` }
        : trigger === 'issue'
          ? { issue: random.int(1, 5000), labels: ['agent'] }
          : trigger === 'schedule'
            ? { cron: '0 3 * * *' }
            : null;
    const run = this.store.addRun({
      id,
      projectId: project.id,
      projectName: project.name,
      status: 'queued',
      startedAt,
      trigger,
      triggerData,
      jobs: [],
      interventions: [],
    });
    run.jobs.push(this.newJob(run, 'researching', null, null));
    return run;
  }

  private newJob(run: RunRecord, agentType: string, status: SlimJob['status'], startedAt: string | null): SlimJob {
    return { id: `job_${this.nextId()}`, pipelineRunId: run.id, agentType, status, startedAt, completedAt: null, error: null };
  }

  private newIntervention(run: RunRecord, createdAt: string): SlimIntervention {
    const { random } = this.options;
    return {
      id: `int_${this.nextId()}`,
      pipelineRunId: run.id,
      type: random.pick(INTERVENTION_TYPES),
      message: random.next() < 0.8 ? random.pick(INTERVENTION_TEXT) : null,
      status: 'pending',
      createdAt,
    };
  }

  private log(run: RunRecord, source?: 'orchestrator') {
    const job = source ? undefined : run.jobs.at(-1);
    this.store.appendLog(this.logEntry(run, job), this.options.clock.now());
  }

  private logEntry(run: RunRecord, job: SlimJob | undefined): Omit<LogEntry, 'createdAt'> {
    const { random } = this.options;
    const agentType = job?.agentType ?? 'orchestrator';
    return {
      id: `log_${this.nextId()}`,
      pipelineRunId: run.id,
      jobId: job?.id ?? null,
      agentType,
      level: job ? random.pick(LEVELS) : 'info',
      message: random.pick(LINES[agentType] ?? LINES.orchestrator!),
    };
  }

  /** The job that was running at time `at` (for the log history), or none. */
  private jobAt(run: RunRecord, at: number): SlimJob | undefined {
    let found: SlimJob | undefined;
    for (const job of run.jobs) if (job.startedAt !== null && Date.parse(job.startedAt) <= at) found = job;
    return found;
  }

  private nextId(): string {
    return `${(++this.counter).toString(36).padStart(5, '0')}${this.options.random.token(5)}`;
  }
}
