/**
 * Plans of the seeded workflow runs: per node, in order, step_started → step_log / step_progress
 * → step_completed; then workflow_completed. A failed or cancelled run stops at its node; the
 * nodes after it are reported as skipped (step_started and step_completed with status skipped,
 * back to back), so every node of the run is started and completed exactly once.
 */
import type {
  LogLevel,
  RunStatus,
  StepCompleted,
  StepLog,
  StepProgress,
  StepStarted,
  WorkflowCompleted,
} from '../../generated/release-orchestrator/models.gen.ts';
import type { Clock, Random } from '../../runtime/seeded/index.ts';
import { WORKFLOW_NODES, type WorkflowNode, type WorkflowRunSeed } from './catalog.ts';
import type { PlanStep } from './playback.ts';

export type WorkflowRunMessage = StepStarted | StepProgress | StepLog | StepCompleted | WorkflowCompleted;

const LOG_LINES: Record<string, readonly string[]> = {
  'git.checkout': ['Cloning repository', 'Fetching refs/heads/main', 'Checked out commit {hex7}'],
  build: ['Resolving dependencies', 'Compiling 214 modules', 'Building image layer {n}/5', 'Pushing image sha256:{hex12}...'],
  test: ['Running test suite', 'Executed {n}00 tests', 'Coverage report written'],
  'security-gate': ['Scanning image sha256:{hex12}...', 'Checking {n}12 dependencies against the advisory database', 'Licence check passed'],
  deploy: ['Pulling image sha256:{hex12}...', 'Deploying to target {n}/6', 'Waiting for health checks'],
};

export function planWorkflowRun(seed: WorkflowRunSeed, random: Random, clock: Clock): PlanStep<WorkflowRunMessage>[] {
  const plan: PlanStep<WorkflowRunMessage>[] = [];
  let runStartedAt = 0;
  let stopped: 'failed' | 'cancelled' | undefined;
  const seconds = (since: number) => Math.max(0, Math.round((clock.now() - since) / 100) / 10);

  for (const [index, node] of WORKFLOW_NODES.entries()) {
    if (stopped) {
      plan.push({ afterMs: 0, build: () => ({ type: 'step_started', nodeId: node.nodeId, stepType: node.stepType, timestamp: clock.iso() }) });
      plan.push({
        afterMs: 0,
        build: () => ({
          type: 'step_completed',
          nodeId: node.nodeId,
          status: 'skipped',
          outputs: { reason: `run ${stopped}` },
          duration: 0,
          timestamp: clock.iso(),
        }),
      });
      continue;
    }
    let stepStartedAt = 0;
    plan.push({
      afterMs: index === 0 ? 200 : random.int(300, 900),
      build: () => {
        stepStartedAt = clock.now();
        if (index === 0) runStartedAt = stepStartedAt;
        return { type: 'step_started', nodeId: node.nodeId, stepType: node.stepType, timestamp: clock.iso() };
      },
    });
    const chunks = random.int(2, 4);
    const stopsHere = seed.stopAt === node.nodeId && seed.outcome !== 'succeeded';
    const lastChunk = stopsHere ? random.int(1, chunks) : chunks;
    for (let k = 1; k <= lastChunk; k++) {
      const line = logLine(node, random);
      const level: LogLevel = random.next() < 0.15 ? 'debug' : 'info';
      plan.push({ afterMs: random.int(400, 1800), build: () => ({ type: 'step_log', nodeId: node.nodeId, line, level, timestamp: clock.iso() }) });
      const progress = Math.round((k / (chunks + 1)) * 1000) / 10;
      const message = `${node.nodeId}: ${k}/${chunks + 1}`;
      plan.push({ afterMs: random.int(100, 600), build: () => ({ type: 'step_progress', nodeId: node.nodeId, progress, message }) });
    }
    if (stopsHere && seed.outcome === 'failed') {
      const critical = random.int(1, 3);
      plan.push({
        afterMs: random.int(300, 900),
        build: () => ({
          type: 'step_log',
          nodeId: node.nodeId,
          line: `${critical} critical ${critical === 1 ? 'vulnerability' : 'vulnerabilities'} found; gate closed`,
          level: 'error',
          timestamp: clock.iso(),
        }),
      });
      plan.push({
        afterMs: 100,
        build: () => ({
          type: 'step_completed',
          nodeId: node.nodeId,
          status: 'failed',
          outputs: { criticalCount: critical, highCount: 2 },
          duration: seconds(stepStartedAt),
          timestamp: clock.iso(),
        }),
      });
      stopped = 'failed';
      continue;
    }
    if (stopsHere && seed.outcome === 'cancelled') {
      plan.push({
        afterMs: random.int(300, 900),
        build: () => ({ type: 'step_log', nodeId: node.nodeId, line: 'Cancellation requested by dev-user', level: 'warn', timestamp: clock.iso() }),
      });
      plan.push({
        afterMs: 100,
        build: () => ({
          type: 'step_completed',
          nodeId: node.nodeId,
          status: 'cancelled',
          outputs: {},
          duration: seconds(stepStartedAt),
          timestamp: clock.iso(),
        }),
      });
      stopped = 'cancelled';
      continue;
    }
    const outputs = stepOutputs(node, seed, random);
    plan.push({
      afterMs: random.int(300, 900),
      build: () => ({ type: 'step_completed', nodeId: node.nodeId, status: 'succeeded', outputs, duration: seconds(stepStartedAt), timestamp: clock.iso() }),
    });
  }

  const status: RunStatus = stopped ?? 'succeeded';
  const outputs: Record<string, unknown> =
    status === 'succeeded'
      ? { deploymentId: random.uuid() }
      : status === 'failed'
        ? { failedStep: seed.stopAt }
        : { cancelledStep: seed.stopAt, cancelledBy: 'dev-user' };
  plan.push({
    afterMs: random.int(200, 600),
    build: () => ({ type: 'workflow_completed', status, duration: seconds(runStartedAt), outputs, timestamp: clock.iso() }),
  });
  return plan;
}

function stepOutputs(node: WorkflowNode, seed: WorkflowRunSeed, random: Random): Record<string, unknown> {
  switch (node.stepType) {
    case 'git.checkout':
      return { commit: hex(random, 40), branch: 'main' };
    case 'build':
      return {
        image: `${seed.workflow.replace(/^release-/, '')}:${random.int(1, 4)}.${random.int(0, 9)}.${random.int(0, 20)}`,
        digest: `sha256:${hex(random, 64)}`,
      };
    case 'test':
      return { passed: random.int(200, 900), failed: 0, skipped: random.int(0, 12) };
    case 'security-gate':
      return { criticalCount: 0, highCount: random.int(0, 4) };
    default:
      return { deploymentId: random.uuid(), targets: 6 };
  }
}

function logLine(node: WorkflowNode, random: Random): string {
  const template = random.pick(LOG_LINES[node.stepType] ?? ['Working']);
  return template
    .replace('{hex7}', hex(random, 7))
    .replace('{hex12}', hex(random, 12))
    .replace('{n}', String(random.int(1, 5)));
}

export function hex(random: Random, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += '0123456789abcdef'[random.int(0, 15)];
  return out;
}
