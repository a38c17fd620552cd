/**
 * The resources the reference server knows from the start: workflow runs, deployment jobs,
 * agents and environments. Their ids are fixed (tests and `serve` use them); everything else
 * about them (task ids, log lines, durations, outcomes within a plan) is drawn from the seeded
 * randomness.
 */

/** How a seeded workflow run or deployment job ends. */
export type Outcome = 'succeeded' | 'failed' | 'cancelled';

export interface WorkflowRunSeed {
  id: string;
  workflow: string;
  outcome: Outcome;
  /** For failed / cancelled runs: the node where it happens. */
  stopAt?: string;
}

export interface WorkflowNode {
  nodeId: string;
  stepType: string;
}

/** The nodes of the release workflow, in execution order. */
export const WORKFLOW_NODES: readonly WorkflowNode[] = [
  { nodeId: 'checkout', stepType: 'git.checkout' },
  { nodeId: 'build', stepType: 'build' },
  { nodeId: 'unit-tests', stepType: 'test' },
  { nodeId: 'security-check', stepType: 'security-gate' },
  { nodeId: 'deploy', stepType: 'deploy' },
];

export const WORKFLOW_RUNS: readonly WorkflowRunSeed[] = [
  { id: 'wr-1001', workflow: 'release-myapp', outcome: 'succeeded' },
  { id: 'wr-1002', workflow: 'release-myapp', outcome: 'failed', stopAt: 'security-check' },
  { id: 'wr-1003', workflow: 'release-billing', outcome: 'cancelled', stopAt: 'unit-tests' },
];

export interface DeploymentJobSeed {
  id: string;
  image: string;
  targets: readonly string[];
  outcome: Outcome;
  /** For failed / cancelled jobs: the index of the target where it happens. */
  stopAt?: number;
}

export const DEPLOYMENT_JOBS: readonly DeploymentJobSeed[] = [
  { id: 'dj-2001', image: 'myapp:2.3.1', targets: ['prod-web-01', 'prod-web-02', 'prod-web-03', 'prod-web-04'], outcome: 'succeeded' },
  { id: 'dj-2002', image: 'myapp:2.3.2', targets: ['stg-web-01', 'stg-web-02', 'stg-web-03'], outcome: 'failed', stopAt: 1 },
  { id: 'dj-2003', image: 'billing:1.8.0', targets: ['prod-billing-01', 'prod-billing-02'], outcome: 'cancelled', stopAt: 0 },
];

/** The steps a deployment task runs on one target, in order. */
export const DEPLOYMENT_TASK_TYPES: readonly string[] = ['docker.pull', 'docker.run', 'health.check'];

/** Registered agents; an agent's token has `sub` equal to its id. */
export const AGENT_IDS: readonly string[] = ['agent-01', 'agent-02', 'agent-03', 'agent-04'];

/** The environments of the release pipeline, in pipeline order. */
export const ENVIRONMENTS: readonly string[] = ['Development', 'Staging', 'Production'];

export const RELEASES: readonly string[] = ['myapp-v2.3.1', 'myapp-v2.3.2', 'billing-v1.8.0', 'search-v0.9.4', 'gateway-v3.1.0'];

export const REQUESTERS: readonly string[] = ['John Doe', 'Ada Lovelace', 'Grace Hopper', 'Linus Torvalds'];

/** Kinds of task the agents run, with the payload each carries. */
export const AGENT_TASK_TYPES: readonly string[] = ['docker.pull', 'docker.run', 'health.check', 'config.render'];

export const CANCEL_REASONS: readonly string[] = ['Deployment cancelled by user', 'Superseded by a newer release', 'Target removed from the job'];
