/**
 * The agnt5 reference server's world: the workflow endpoints it knows and, per endpoint, the
 * workflows a client may invoke, each as a list of tasks made of LLM calls and tool calls.
 *
 * How an execution ends is deterministic:
 * - by workflow: every workflow has an `outcome` (most complete; `process-refund` fails on a
 *   tool, `screen-resume` fails on the LLM, `nightly-inventory-report` is cancelled by an
 *   operator, `lookup-order` meets a flaky tool and recovers, `recommend-blend` draws its
 *   outcome from the server's seeded randomness);
 * - by parameter: `parameters.simulate` overrides the workflow's outcome with one of
 *   {@link SIMULATIONS}. Any other value (or type) of `simulate` is ignored.
 */

/** One unit of work inside a task. */
export type Step = { kind: 'llm'; model: string } | { kind: 'tool'; tool: string };

export interface TaskSpec {
  name: string;
  steps: readonly Step[];
}

/**
 * How an execution ends:
 * - `complete`: every task ends, then workflow_end and execution_completed;
 * - `tool_error` / `llm_error`: the first tool call (or the last LLM call) fails three times, then
 *   task_error, workflow_error and execution_failed;
 * - `task_error`: the last task fails on its own (bad output), then workflow_error and execution_failed;
 * - `workflow_error`: every task ends, the workflow fails (output rejected), then execution_failed;
 * - `recover`: the first tool call fails once, is retried and succeeds; the execution completes;
 * - `cancel`: an operator cancels the execution in the middle of a task: execution_cancelled;
 * - `random`: one of the above, drawn from the server's seeded randomness (mostly `complete`).
 */
export const SIMULATIONS = ['complete', 'tool_error', 'llm_error', 'task_error', 'workflow_error', 'recover', 'cancel', 'random'] as const;
export type Simulation = (typeof SIMULATIONS)[number];
export type Outcome = Exclude<Simulation, 'random'>;

export interface WorkflowSpec {
  name: string;
  tasks: readonly TaskSpec[];
  outcome: Simulation;
  /** What execution_completed reports as `output`, given the number of results the tools found. */
  output(results: number): Record<string, unknown>;
}

export interface EndpointSpec {
  id: string;
  description: string;
  workflows: readonly WorkflowSpec[];
}

const llm = (model: string): Step => ({ kind: 'llm', model });
const tool = (name: string): Step => ({ kind: 'tool', tool: name });

const searchCandidates: WorkflowSpec = {
  name: 'search-candidates',
  tasks: [
    { name: 'parse-query', steps: [llm('gpt-4o-mini'), tool('candidate-search')] },
    { name: 'rank-candidates', steps: [llm('gpt-4o')] },
    { name: 'summarize', steps: [llm('gpt-4o-mini')] },
  ],
  outcome: 'complete',
  output: (results) => ({ candidates: results }),
};

/** The endpoints the server knows, with their workflows. */
export const ENDPOINTS: readonly EndpointSpec[] = [
  {
    id: 'coffee-shop-e66b8d23',
    description: "A coffee shop assistant (the seed's example endpoint).",
    workflows: [
      searchCandidates,
      {
        name: 'recommend-blend',
        tasks: [
          { name: 'fetch-profile', steps: [tool('customer-db')] },
          { name: 'suggest-blend', steps: [llm('gpt-4o'), tool('inventory')] },
        ],
        outcome: 'random',
        output: (results) => ({ blends: Math.max(1, results % 5) }),
      },
      {
        name: 'lookup-order',
        tasks: [
          { name: 'find-order', steps: [tool('orders-api')] },
          { name: 'explain-status', steps: [llm('gpt-4o-mini')] },
        ],
        outcome: 'recover',
        output: (results) => ({ orders: Math.min(results, 3) }),
      },
      {
        name: 'process-refund',
        tasks: [
          { name: 'check-eligibility', steps: [llm('gpt-4o-mini')] },
          { name: 'issue-refund', steps: [tool('payments-api')] },
          { name: 'notify-customer', steps: [llm('gpt-4o-mini'), tool('email')] },
        ],
        outcome: 'tool_error',
        output: () => ({ refunded: true }),
      },
      {
        name: 'nightly-inventory-report',
        tasks: [
          { name: 'collect-stock', steps: [tool('inventory'), tool('inventory')] },
          { name: 'forecast-demand', steps: [llm('gpt-4o'), llm('gpt-4o')] },
          { name: 'write-report', steps: [llm('gpt-4o'), tool('document-store')] },
        ],
        outcome: 'cancel',
        output: () => ({ report: 'inventory.pdf' }),
      },
    ],
  },
  {
    id: 'talent-scout-4f1a9c02',
    description: 'A recruiting assistant.',
    workflows: [
      searchCandidates,
      {
        name: 'screen-resume',
        tasks: [
          { name: 'extract-profile', steps: [tool('resume-parser')] },
          { name: 'score-fit', steps: [llm('gpt-4o'), llm('gpt-4o')] },
        ],
        outcome: 'llm_error',
        output: () => ({ score: 0.82 }),
      },
      {
        name: 'schedule_interview',
        tasks: [
          { name: 'find-slots', steps: [tool('calendar')] },
          { name: 'draft-invite', steps: [llm('gpt-4o-mini'), tool('email')] },
        ],
        outcome: 'complete',
        output: (results) => ({ slots: Math.max(1, results % 4) }),
      },
    ],
  },
  {
    id: 'support-desk-7b3e0d15',
    description: 'A customer support desk.',
    workflows: [
      {
        name: 'triage-ticket',
        tasks: [
          { name: 'classify', steps: [llm('gpt-4o-mini')] },
          { name: 'route', steps: [tool('ticket-router')] },
        ],
        outcome: 'complete',
        output: () => ({ queue: 'billing' }),
      },
      {
        name: 'draft-reply',
        tasks: [
          { name: 'gather-context', steps: [tool('knowledge-base'), tool('ticket-history')] },
          { name: 'write-reply', steps: [llm('gpt-4o')] },
          { name: 'check-tone', steps: [llm('gpt-4o-mini')] },
        ],
        outcome: 'workflow_error',
        output: () => ({ reply: 'drafted' }),
      },
    ],
  },
];

/** The contract's `x-wf-endpoint` schema: any non-empty value; one the catalog lacks is a 404. */
export const ENDPOINT_PATTERN = /^.+$/su;

export function findEndpoint(id: string): EndpointSpec | undefined {
  return ENDPOINTS.find((e) => e.id === id);
}

export function findWorkflow(endpoint: EndpointSpec, name: string): WorkflowSpec | undefined {
  return endpoint.workflows.find((w) => w.name === name);
}

/** The outcome `parameters.simulate` asks for, when it names one. */
export function requestedSimulation(parameters: Readonly<Record<string, unknown>> | undefined): Simulation | undefined {
  const value = parameters?.['simulate'];
  return typeof value === 'string' && (SIMULATIONS as readonly string[]).includes(value) ? (value as Simulation) : undefined;
}
