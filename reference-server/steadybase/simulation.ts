/**
 * The steadybase simulation as a pure state machine: each `step()` advances one actor (a worker,
 * a workflow run or the Drew Coordinator run) and returns the events that change produced. All
 * choices come from the seeded Random and all times from the clock, so the same seed gives the
 * same sequence of events. Timers live elsewhere (ticker.ts).
 */
import type {
  ApprovalRequired,
  DrewUpdate,
  EventsServerMessage,
  StepStatus,
  WorkerState,
  WorkerStatus,
  WorkflowProgress,
} from '../../generated/steadybase/models.gen.ts';
import type { Clock, Random } from '../../runtime/seeded/index.ts';
import { ACCOUNTS, DREW_PLAN, UNIT_SECONDS, WORKERS, WORKFLOWS, type Timeout, type WorkerProfile, type WorkflowTemplate } from './catalog.ts';

interface WorkerState_ {
  profile: WorkerProfile;
  status: WorkerState;
  task: string | null;
}

/** Where a run is: the step to start next, a step in progress, or a step waiting at its gate. */
type Phase = { kind: 'start' } | { kind: 'running'; failures: number } | { kind: 'gate'; decisionIn: number };

interface Run {
  id: string;
  account: string;
  /** 1-based current step. */
  step: number;
  phase: Phase;
}

interface WorkflowRun extends Run {
  template: WorkflowTemplate;
}

/** At most this many workflow runs progress at once (besides the Drew Coordinator run). */
export const MAX_WORKFLOW_RUNS = 2;
/** Probability that a human approves at a gate. */
const APPROVE = 0.85;
/** Probability that a (non-gate) step fails; a step that fails twice ends the run. */
const FAIL = 0.08;

export class SteadybaseSimulation {
  private readonly workers: WorkerState_[];
  private readonly runs: WorkflowRun[] = [];
  private drew: Run | undefined;
  /** Advances to wait before the next Drew Coordinator run starts. */
  private drewPause = 0;
  private runCounter = 0;
  private drewCounter = 0;
  private readonly random: Random;
  private readonly clock: Clock;

  constructor(random: Random, clock: Clock) {
    this.random = random;
    this.clock = clock;
    this.workers = WORKERS.map((profile) => ({ profile, status: 'idle' as const, task: null }));
  }

  /** Advances the simulation by one tick; returns the events to broadcast, in order. */
  step(): EventsServerMessage[] {
    const r = this.random.next();
    if (r < 0.4) return [this.advanceWorker()];
    if (r < 0.75) return this.advanceWorkflow();
    return this.advanceDrew();
  }

  /** Current status of every worker (what the last worker-status of each said). */
  workerStates(): { workerId: string; status: WorkerState; currentTask: string | null }[] {
    return this.workers.map((w) => ({ workerId: w.profile.id, status: w.status, currentTask: w.task }));
  }

  /** Ids of the runs in progress (workflow runs and the Drew Coordinator run). */
  activeRuns(): string[] {
    return [...this.runs.map((r) => r.id), ...(this.drew ? [this.drew.id] : [])];
  }

  // ---- workers ----

  private advanceWorker(): WorkerStatus {
    const w = this.random.pick(this.workers);
    const newTask = () => this.random.pick(w.profile.tasks).replace('{account}', this.random.pick(ACCOUNTS));
    switch (w.status) {
      case 'idle':
      case 'stopped':
        w.status = 'started';
        w.task = newTask();
        break;
      case 'started':
      case 'waiting':
        w.status = 'running';
        w.task ??= newTask();
        break;
      case 'running': {
        const r = this.random.next();
        if (r < 0.45) [w.status, w.task] = ['idle', null];
        else if (r < 0.7) w.status = 'waiting';
        else if (r < 0.9) w.task = newTask();
        else if (r < 0.97) [w.status, w.task] = ['stopped', null];
        else [w.status, w.task] = ['error', null];
        break;
      }
      case 'error':
        w.status = this.random.next() < 0.7 ? 'idle' : 'stopped';
        w.task = null;
        break;
    }
    return { type: 'worker-status', workerId: w.profile.id, status: w.status, currentTask: w.task, timestamp: this.clock.iso() };
  }

  // ---- workflow runs ----

  private advanceWorkflow(): EventsServerMessage[] {
    if (this.runs.length < MAX_WORKFLOW_RUNS && (this.runs.length === 0 || this.random.next() < 0.3)) {
      const template = this.random.pick(WORKFLOWS);
      const account = this.random.pick(ACCOUNTS);
      const slug = account.split(' ')[0]!.toLowerCase();
      this.runs.push({ id: `${template.name}-${slug}-${pad(++this.runCounter)}`, template, account, step: 1, phase: { kind: 'start' } });
    }
    const run = this.random.pick(this.runs);
    const steps = run.template.steps;
    const total = steps.length;
    const progress = (step: number, status: StepStatus, action: string): WorkflowProgress => ({
      type: 'workflow-progress',
      workflowId: run.id,
      step,
      totalSteps: total,
      action: action.replace('{account}', run.account),
      status,
      timestamp: this.clock.iso(),
    });
    const template = steps[run.step - 1]!;
    const out = this.advanceRun(run, total, {
      running: () => progress(run.step, 'running', template.doing),
      completed: () => progress(run.step, 'completed', template.done),
      failed: (why) => progress(run.step, 'failed', `${template.doing} failed: ${why}`),
      skipped: (step) => progress(step, 'skipped', `${steps[step - 1]!.doing} skipped`),
      gate: template.gate ? { ...template.gate, description: template.gate.description.replace('{account}', run.account) } : undefined,
    });
    if (out.finished) this.runs.splice(this.runs.indexOf(run), 1);
    return out.events;
  }

  // ---- Drew Coordinator ----

  private advanceDrew(): EventsServerMessage[] {
    if (!this.drew) {
      if (this.drewPause > 0) {
        this.drewPause--;
        return [];
      }
      const day = this.clock.iso().slice(0, 10);
      this.drew = { id: `drew-coord-${day}-${pad(++this.drewCounter)}`, account: '', step: 1, phase: { kind: 'start' } };
    }
    const run = this.drew;
    const plan = DREW_PLAN[run.step - 1]!;
    const update = (step: number, status: StepStatus, action: string): DrewUpdate => ({
      type: 'drew-update',
      workflowId: run.id,
      step,
      agent: DREW_PLAN[step - 1]!.agent,
      action,
      status,
      timestamp: this.clock.iso(),
    });
    const out = this.advanceRun(run, DREW_PLAN.length, {
      running: () => update(run.step, 'running', plan.doing),
      completed: () => update(run.step, 'completed', plan.done.replace('{n}', String(this.random.int(3, 40)))),
      failed: (why) => update(run.step, 'failed', `${plan.doing} failed: ${why}`),
      skipped: (step) => update(step, 'skipped', `${DREW_PLAN[step - 1]!.doing} skipped`),
      gate: plan.gate,
    });
    if (out.finished) {
      this.drew = undefined;
      this.drewPause = this.random.int(1, 3);
    }
    return out.events;
  }

  // ---- the step machine shared by workflow and Drew runs ----

  private advanceRun(
    run: Run,
    total: number,
    make: {
      running(): EventsServerMessage;
      completed(): EventsServerMessage;
      failed(why: string): EventsServerMessage;
      skipped(step: number): EventsServerMessage;
      gate: { description: string; timeout: Timeout } | undefined;
    },
  ): { events: EventsServerMessage[]; finished: boolean } {
    const phase = run.phase;
    const complete = (): { events: EventsServerMessage[]; finished: boolean } => {
      const event = make.completed();
      if (run.step >= total) return { events: [event], finished: true };
      run.step++;
      run.phase = { kind: 'start' };
      return { events: [event], finished: false };
    };
    const abandon = (failure: EventsServerMessage): { events: EventsServerMessage[]; finished: boolean } => {
      const events = [failure];
      for (let s = run.step + 1; s <= total; s++) events.push(make.skipped(s));
      return { events, finished: true };
    };
    switch (phase.kind) {
      case 'start':
        run.phase = { kind: 'running', failures: 0 };
        return { events: [make.running()], finished: false };
      case 'running': {
        if (make.gate) {
          run.phase = { kind: 'gate', decisionIn: this.random.int(1, 4) };
          return { events: [this.approval(run.id, run.step, make.gate)], finished: false };
        }
        if (this.random.next() >= FAIL) return complete();
        if (phase.failures >= 1) return abandon(make.failed('gave up after a retry'));
        run.phase = { kind: 'running', failures: phase.failures + 1 };
        return { events: [make.failed('will retry'), make.running()], finished: false };
      }
      case 'gate':
        if (phase.decisionIn > 1) {
          run.phase = { kind: 'gate', decisionIn: phase.decisionIn - 1 };
          return { events: [], finished: false };
        }
        if (this.random.next() < APPROVE) return complete();
        return abandon(make.failed('rejected by the approver'));
    }
  }

  private approval(workflowId: string, step: number, gate: { description: string; timeout: Timeout }): ApprovalRequired {
    const now = this.clock.now();
    const timeoutSeconds = gate.timeout.amount * UNIT_SECONDS[gate.timeout.unit];
    return {
      type: 'approval-required',
      workflowId,
      step,
      description: gate.description,
      timeout: `${gate.timeout.amount} ${gate.timeout.unit}${gate.timeout.amount === 1 ? '' : 's'}`,
      timeoutSeconds,
      expiresAt: new Date(now + timeoutSeconds * 1000).toISOString(),
      timestamp: new Date(now).toISOString(),
    };
  }
}

function pad(n: number): string {
  return String(n).padStart(3, '0');
}
