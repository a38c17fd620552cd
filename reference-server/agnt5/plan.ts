/**
 * Plans one execution of a workflow: the full, ordered list of events it will emit, each with the
 * delay (in contract milliseconds, before time scaling) after the previous one. A pure function of
 * the workflow, the outcome and the seeded Random: the same seed and invocations give the same
 * events. execution_started comes first with no delay; exactly one terminal event comes last.
 */
import type { ErrorDetails, WorkflowServerMessage } from '../../generated/agnt5/models.gen.ts';
import type { Random } from '../../runtime/seeded/index.ts';
import type { Outcome, Simulation, Step, WorkflowSpec } from './catalog.ts';

export type EventType = Exclude<WorkflowServerMessage['type'], 'error'>;
export type ErrorEventType = 'execution_failed' | 'workflow_error' | 'task_error' | 'llm_error' | 'tool_error';
export type TerminalType = 'execution_completed' | 'execution_failed' | 'execution_cancelled';

export type PlannedEvent =
  | { delayMs: number; type: Exclude<EventType, ErrorEventType>; details: Record<string, unknown> }
  | { delayMs: number; type: ErrorEventType; details: ErrorDetails };

/** How many attempts a failing LLM or tool call makes before its task gives up. */
export const ATTEMPTS = 3;

/** The outcome of one invocation: the one asked for, else the workflow's; `random` is drawn here. */
export function resolveOutcome(workflow: WorkflowSpec, requested: Simulation | undefined, random: Random): Outcome {
  const wanted = requested ?? workflow.outcome;
  if (wanted !== 'random') return wanted;
  const r = random.next();
  if (r < 0.7) return 'complete';
  if (r < 0.8) return 'recover';
  if (r < 0.9) return 'tool_error';
  return 'cancel';
}

interface Position {
  task: number;
  step: number;
}

export function planExecution(
  workflow: WorkflowSpec,
  outcome: Outcome,
  random: Random,
  context: { endpoint: string; parameters: Readonly<Record<string, unknown>> | undefined },
): PlannedEvent[] {
  const events: PlannedEvent[] = [];
  let elapsed = 0;
  const push = (delayMs: number, event: Omit<PlannedEvent, 'delayMs'>) => {
    elapsed += delayMs;
    events.push({ delayMs, ...event } as PlannedEvent);
  };
  const wf = workflow.name;
  const tasks = workflow.tasks;
  const toolAt = firstStep(workflow, 'tool');
  const llmAt = lastStep(workflow, 'llm');
  // A workflow without the failing kind of step fails on the other kind instead.
  const failAt = outcome === 'tool_error' ? (toolAt ?? llmAt) : outcome === 'llm_error' ? (llmAt ?? toolAt) : undefined;
  const recoverAt = outcome === 'recover' ? (toolAt ?? llmAt) : undefined;
  const cancelTask = outcome === 'cancel' ? Math.floor(tasks.length / 2) : -1;
  const failTask = outcome === 'task_error' || ((outcome === 'tool_error' || outcome === 'llm_error') && !failAt) ? tasks.length - 1 : -1;

  const echo = context.parameters === undefined ? {} : { parameters: context.parameters };
  push(0, { type: 'execution_started', details: { workflow: wf, endpoint: context.endpoint, ...echo } });
  push(random.int(50, 200), { type: 'workflow_start', details: { workflow: wf } });

  const fail = (error: { message: string; code: string }, delayMs: number) => {
    push(delayMs, { type: 'workflow_error', details: { error, workflow: wf } });
    push(random.int(10, 50), { type: 'execution_failed', details: { error, workflow: wf, duration_ms: elapsed } });
  };

  let results = 0;
  for (const [ti, task] of tasks.entries()) {
    const taskStarted = elapsed;
    push(random.int(20, 80), { type: 'task_start', details: { task: task.name, workflow: wf } });
    if (ti === cancelTask) {
      push(random.int(300, 1500), { type: 'execution_cancelled', details: { workflow: wf, reason: 'cancelled by operator', task: task.name } });
      return events;
    }
    for (const [si, step] of task.steps.entries()) {
      const here = (p: Position | undefined) => p !== undefined && p.task === ti && p.step === si;
      const failing = here(failAt);
      const attempts = failing ? ATTEMPTS : here(recoverAt) ? 2 : 1;
      for (let attempt = 1; attempt <= attempts; attempt++) {
        const ok = !failing && attempt === attempts;
        results += emitStep(step, task.name, attempt, ok, random, push);
      }
      if (failing) {
        const error = { message: `Task ${task.name} failed after ${ATTEMPTS} attempts`, code: 'task_failed' };
        push(random.int(10, 50), { type: 'task_error', details: { error, task: task.name, workflow: wf } });
        fail(error, random.int(10, 50));
        return events;
      }
    }
    if (ti === failTask) {
      const error = { message: `Task ${task.name} produced output that does not match its schema`, code: 'invalid_output' };
      push(random.int(50, 200), { type: 'task_error', details: { error, task: task.name, workflow: wf } });
      fail(error, random.int(10, 50));
      return events;
    }
    push(random.int(20, 80), { type: 'task_end', details: { task: task.name, workflow: wf, duration_ms: elapsed - taskStarted } });
  }
  if (outcome === 'workflow_error') {
    fail({ message: `Workflow ${wf} output was rejected by its output schema`, code: 'invalid_output' }, random.int(50, 200));
    return events;
  }
  push(random.int(20, 80), { type: 'workflow_end', details: { workflow: wf, duration_ms: elapsed } });
  push(random.int(10, 50), { type: 'execution_completed', details: { workflow: wf, output: workflow.output(results), duration_ms: elapsed } });
  return events;
}

/** One attempt of one LLM or tool call: its start and its end or error. Returns the results found. */
function emitStep(
  step: Step,
  task: string,
  attempt: number,
  ok: boolean,
  random: Random,
  push: (delayMs: number, event: Omit<PlannedEvent, 'delayMs'>) => void,
): number {
  const retry = attempt > 1 ? { attempt } : {};
  if (step.kind === 'llm') {
    push(random.int(20, 80), { type: 'llm_start', details: { model: step.model, task, ...retry } });
    if (ok) {
      const tokens = { prompt: random.int(200, 4000), completion: random.int(20, 800) };
      push(random.int(800, 2500), { type: 'llm_end', details: { model: step.model, task, tokens, ...retry } });
    } else {
      push(random.int(200, 800), {
        type: 'llm_error',
        details: { error: { message: `Rate limit reached for ${step.model}`, code: 'rate_limit' }, model: step.model, task, attempt },
      });
    }
    return 0;
  }
  push(random.int(20, 80), { type: 'tool_start', details: { tool: step.tool, task, ...retry } });
  if (ok) {
    const results = random.int(0, 40);
    push(random.int(300, 1500), { type: 'tool_end', details: { tool: step.tool, task, results, ...retry } });
    return results;
  }
  push(random.int(300, 1500), {
    type: 'tool_error',
    details: { error: { message: `${step.tool} returned HTTP 503`, code: 'upstream_unavailable' }, tool: step.tool, task, attempt },
  });
  return 0;
}

function firstStep(workflow: WorkflowSpec, kind: Step['kind']): Position | undefined {
  for (const [task, t] of workflow.tasks.entries()) for (const [step, s] of t.steps.entries()) if (s.kind === kind) return { task, step };
  return undefined;
}

function lastStep(workflow: WorkflowSpec, kind: Step['kind']): Position | undefined {
  let found: Position | undefined;
  for (const [task, t] of workflow.tasks.entries()) for (const [step, s] of t.steps.entries()) if (s.kind === kind) found = { task, step };
  return found;
}

export function isTerminal(type: string): type is TerminalType {
  return type === 'execution_completed' || type === 'execution_failed' || type === 'execution_cancelled';
}
