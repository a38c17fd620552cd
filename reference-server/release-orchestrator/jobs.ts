/**
 * Plans of the seeded deployment jobs: per target, in order, task_started → task_log /
 * task_progress → task_completed; then job_completed. When a target fails (or the job is
 * cancelled) the remaining targets are reported as skipped (task_started and task_completed with
 * status skipped, back to back). A job with a failed target reports failed.
 */
import type {
  CompletionStatus,
  DeploymentJobCompleted,
  DeploymentTaskCompleted,
  DeploymentTaskLog,
  DeploymentTaskProgress,
  DeploymentTaskStarted,
  RunStatus,
} from '../../generated/release-orchestrator/models.gen.ts';
import type { Clock, Random } from '../../runtime/seeded/index.ts';
import type { DeploymentJobSeed } from './catalog.ts';
import type { PlanStep } from './playback.ts';
import { hex } from './runs.ts';

export type DeploymentJobMessage = DeploymentTaskStarted | DeploymentTaskProgress | DeploymentTaskLog | DeploymentTaskCompleted | DeploymentJobCompleted;

const TASK_TYPE = 'docker.deploy';
const LAYERS = 5;

export function planDeploymentJob(seed: DeploymentJobSeed, random: Random, clock: Clock): PlanStep<DeploymentJobMessage>[] {
  const plan: PlanStep<DeploymentJobMessage>[] = [];
  let jobStartedAt = 0;
  let deployed = 0;
  let failed = 0;
  let stopped: 'failed' | 'cancelled' | undefined;
  const seconds = (since: number) => Math.max(0, Math.round((clock.now() - since) / 100) / 10);

  for (const [index, targetName] of seed.targets.entries()) {
    const taskId = random.uuid();
    const targetId = random.uuid();
    const started = () => ({ type: 'task_started' as const, taskId, targetId, targetName, taskType: TASK_TYPE, timestamp: clock.iso() });
    if (stopped) {
      plan.push({ afterMs: 0, build: started });
      plan.push({
        afterMs: 0,
        build: () => ({
          type: 'task_completed',
          taskId,
          targetId,
          status: 'skipped',
          duration: 0,
          result: { reason: `job ${stopped}` },
          timestamp: clock.iso(),
        }),
      });
      continue;
    }
    let taskStartedAt = 0;
    plan.push({
      afterMs: index === 0 ? 200 : random.int(300, 900),
      build: () => {
        taskStartedAt = clock.now();
        if (index === 0) jobStartedAt = taskStartedAt;
        return started();
      },
    });
    const stopsHere = seed.stopAt === index && seed.outcome !== 'succeeded';
    const layers = stopsHere ? random.int(1, LAYERS - 1) : LAYERS;
    for (let layer = 1; layer <= layers; layer++) {
      const digest = hex(random, 12);
      plan.push({
        afterMs: random.int(300, 1200),
        build: () => ({ type: 'task_log', taskId, line: `Layer ${layer}/${LAYERS} pulled: sha256:${digest}...`, level: 'info' }),
      });
      const progress = Math.round((layer / (LAYERS + 1)) * 1000) / 10;
      plan.push({ afterMs: random.int(100, 400), build: () => ({ type: 'task_progress', taskId, progress, message: `Pulling layer ${layer}/${LAYERS}` }) });
    }
    let status: CompletionStatus = 'succeeded';
    let result: Record<string, unknown>;
    if (stopsHere && seed.outcome === 'failed') {
      plan.push({
        afterMs: random.int(300, 900),
        build: () => ({ type: 'task_log', taskId, line: `Health check failed on ${targetName}: timeout after 30s`, level: 'error' }),
      });
      status = 'failed';
      result = { error: 'health check timeout', exitCode: 1 };
      failed++;
      stopped = 'failed';
    } else if (stopsHere && seed.outcome === 'cancelled') {
      plan.push({
        afterMs: random.int(300, 900),
        build: () => ({ type: 'task_log', taskId, line: 'Cancellation requested by dev-user; stopping', level: 'warn' }),
      });
      status = 'cancelled';
      result = {};
      stopped = 'cancelled';
    } else {
      plan.push({ afterMs: random.int(300, 900), build: () => ({ type: 'task_log', taskId, line: 'Container started successfully', level: 'info' }) });
      plan.push({ afterMs: random.int(100, 400), build: () => ({ type: 'task_progress', taskId, progress: 100, message: 'Health check passed' }) });
      result = { containerId: hex(random, 12), digest: `sha256:${hex(random, 64)}`, image: seed.image };
      deployed++;
    }
    const finalStatus = status;
    const finalResult = result;
    plan.push({
      afterMs: random.int(100, 500),
      build: () => ({
        type: 'task_completed',
        taskId,
        targetId,
        status: finalStatus,
        duration: seconds(taskStartedAt),
        result: finalResult,
        timestamp: clock.iso(),
      }),
    });
  }

  const status: RunStatus = stopped ?? 'succeeded';
  const targetsDeployed = deployed;
  const targetsFailed = failed;
  plan.push({
    afterMs: random.int(200, 600),
    build: () => ({ type: 'job_completed', status, targetsDeployed, targetsFailed, duration: seconds(jobStartedAt), timestamp: clock.iso() }),
  });
  return plan;
}
