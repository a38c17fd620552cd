/**
 * The fixed cast of the steadybase simulation: AI workers with the tasks they take on, workflow
 * templates (with their approval gates), and the Drew Coordinator's plan. Data only.
 */

export interface WorkerProfile {
  id: string;
  /** Tasks the worker picks from when it starts working ("{account}" is filled in). */
  tasks: readonly string[];
}

export const WORKERS: readonly WorkerProfile[] = [
  { id: 'sarah-ae-west', tasks: ['Preparing call brief for {account}', 'Drafting proposal for {account}', 'Reviewing pipeline notes for {account}'] },
  { id: 'marcus-sdr-east', tasks: ['Researching contacts at {account}', 'Writing outreach sequence for {account}', 'Qualifying inbound lead from {account}'] },
  { id: 'priya-cs-central', tasks: ['Preparing QBR deck for {account}', 'Summarising support tickets of {account}', 'Planning renewal for {account}'] },
  { id: 'lisa-research-west', tasks: ['Analysing Gong transcripts for {account}', 'Building account map for {account}'] },
  { id: 'omar-ops-emea', tasks: ['Syncing CRM records for {account}', 'Cleaning duplicate contacts of {account}'] },
];

export const ACCOUNTS: readonly string[] = ['Acme Corp', 'Globex', 'Initech', 'Umbrella Health', 'Stark Logistics', 'Wayne Retail', 'Hooli', 'Soylent Foods'];

export interface StepTemplate {
  /** What the step is doing while it runs. */
  doing: string;
  /** What the step did, once completed. */
  done: string;
  /** A human approval gate: the workflow waits here until someone decides. */
  gate?: { description: string; timeout: Timeout };
}

export interface WorkflowTemplate {
  /** Prefix of the run ids (`client-onboarding-acme-001`). */
  name: string;
  steps: readonly StepTemplate[];
}

export interface Timeout {
  amount: number;
  unit: 'second' | 'minute' | 'hour' | 'day' | 'week';
}

export const UNIT_SECONDS: Readonly<Record<Timeout['unit'], number>> = { second: 1, minute: 60, hour: 3600, day: 86_400, week: 604_800 };

export const WORKFLOWS: readonly WorkflowTemplate[] = [
  {
    name: 'client-onboarding',
    steps: [
      { doing: 'Collecting account details', done: 'Account details collected' },
      { doing: 'Creating workspace', done: 'Workspace created' },
      {
        doing: 'Generating proposal',
        done: 'Proposal generated',
        gate: { description: 'Review and approve the proposal for {account}', timeout: { amount: 2, unit: 'day' } },
      },
      { doing: 'Sending welcome pack', done: 'Welcome pack sent' },
      { doing: 'Scheduling kickoff call', done: 'Kickoff call scheduled' },
    ],
  },
  {
    name: 'renewal-review',
    steps: [
      { doing: 'Pulling usage report', done: 'Usage report pulled' },
      { doing: 'Scoring account health', done: 'Account health scored' },
      {
        doing: 'Drafting renewal offer',
        done: 'Renewal offer drafted',
        gate: { description: 'Approve the renewal discount for {account}', timeout: { amount: 24, unit: 'hour' } },
      },
      { doing: 'Sending renewal offer', done: 'Renewal offer sent' },
    ],
  },
  {
    name: 'lead-qualification',
    steps: [
      { doing: 'Enriching lead', done: 'Lead enriched' },
      { doing: 'Scoring lead', done: 'Lead scored' },
      { doing: 'Routing lead to an account executive', done: 'Lead routed to an account executive' },
    ],
  },
];

export interface DrewStep {
  agent: string;
  doing: string;
  /** "{n}" is filled with a number. */
  done: string;
  gate?: { description: string; timeout: Timeout };
}

/** The Drew Coordinator's plan: each step delegated to an agent; step 7 is the approval gate. */
export const DREW_PLAN: readonly DrewStep[] = [
  { agent: 'Drew', doing: 'Planning outreach for Tier 1 accounts', done: 'Planned outreach for {n} Tier 1 accounts' },
  { agent: 'Lisa', doing: 'Querying Gong transcripts', done: 'Queried {n} Gong transcripts from last 30 days' },
  { agent: 'Marcus', doing: 'Researching buying committees', done: 'Mapped {n} buying-committee contacts' },
  { agent: 'Priya', doing: 'Checking open support escalations', done: 'Checked {n} open support escalations' },
  { agent: 'Sarah', doing: 'Writing outreach drafts', done: 'Wrote {n} outreach drafts' },
  { agent: 'Omar', doing: 'Syncing drafts to the CRM', done: 'Synced {n} drafts to the CRM' },
  {
    agent: 'Drew',
    doing: 'Requesting approval of outreach drafts',
    done: 'Outreach drafts approved',
    gate: { description: 'Review and approve outreach drafts for Tier 1 accounts', timeout: { amount: 7, unit: 'day' } },
  },
  { agent: 'Marcus', doing: 'Sending approved outreach', done: 'Sent {n} approved outreach emails' },
];
